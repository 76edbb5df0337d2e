"""Outbound HTTP that cannot be turned against the inside (SSRF): public addresses only.

A URL a user gives could name the machine itself, the local network or a cloud metadata
service. Every connection, the first and each one after a redirect, is made to an address
checked here: the host name is resolved once, each address is checked, and the socket
connects to that very address (no second resolution a DNS rebinding could change).
Private, loopback, link-local, shared, multicast, reserved and unspecified ranges are
refused, IPv4 and IPv6 alike (IPv4-mapped and 6to4 addresses are judged by the IPv4 inside),
unless ``SOCLE_FETCH_ALLOWED_NETWORKS`` names the host or a network holding the address.

Only ``http`` and ``https`` are opened (no ``file:``, ``ftp:`` or ``data:``, not even after a
redirect), and no proxy from the environment is used: the check is on the real peer.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

from socle.config import Settings
from socle.errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")


class RefusedAddressError(InputError):
    """A URL leads to an address Socle does not fetch from (SSRF protection)."""

    type_slug = "refused-address"
    title = "Adresse refusée"


class Allowance:
    """What an administrator allowed beyond public addresses: host names and networks."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.hosts: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower().rstrip("."))

    def permits(self, host: str, address: IPAddress) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        return any(address in network for network in self.networks) or is_public(address)


def is_public(address: IPAddress) -> bool:
    """Whether the address is a public unicast one (the IPv4 inside a mapped or 6to4 one)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return is_public(inner)
    return address.is_global and not (address.is_multicast or address.is_reserved)


def checked_addresses(host: str, port: int, allowance: Allowance) -> list[tuple[Any, ...]]:
    """``getaddrinfo`` results for ``host`` whose address is allowed; refuses if none is."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"{host} : nom d'hôte introuvable ({exc.strerror})") from exc
    allowed = [info for info in found if allowance.permits(host, ipaddress.ip_address(info[4][0]))]
    if not allowed:
        addresses = ", ".join(sorted({str(info[4][0]) for info in found}))
        raise RefusedAddressError(
            f"{host} ({addresses}) est une adresse privée, locale ou réservée : Socle ne "
            "télécharge pas depuis le réseau interne. Un administrateur peut l'autoriser "
            "avec SOCLE_FETCH_ALLOWED_NETWORKS."
        )
    return allowed


def _connect(
    allowance: Allowance,
    address: tuple[str, int],
    timeout: float | None,
    source_address: tuple[str, int] | None = None,
) -> socket.socket:
    """``socket.create_connection``, but only ever to a checked address."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in checked_addresses(host, port, allowance):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"connexion impossible à {host}")


class _Checked:
    """Mixed into http.client's connections: connect through :func:`_connect`."""

    def __init__(self, *args: Any, allowance: Allowance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_connect, allowance)


class _CheckedHTTP(_Checked, http.client.HTTPConnection):
    pass


class _CheckedHTTPS(_Checked, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allowance: Allowance) -> None:
        super().__init__()
        self.allowance = allowance

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # typeshed's protocol for the connection class does not know extra keyword arguments.
        return self.do_open(_CheckedHTTP, req, allowance=self.allowance)  # type: ignore[arg-type]


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allowance: Allowance) -> None:
        super().__init__()
        self.allowance = allowance

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPS, req, allowance=self.allowance)  # type: ignore[arg-type]


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only; the new connection is checked like the first."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in SCHEMES:
            raise RefusedAddressError(f"redirection refusée vers {newurl} : http(s) seulement")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener(settings: Settings) -> urllib.request.OpenerDirector:
    """A urllib opener whose every connection (redirects included) goes to checked addresses."""
    allowance = Allowance(settings.fetch_allowed_networks)
    director = urllib.request.OpenerDirector()
    for handler in (
        _HTTPHandler(allowance),
        _HTTPSHandler(allowance),
        _Redirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        director.add_handler(handler)
    return director
