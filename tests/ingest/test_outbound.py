"""SSRF protection: URLs leading to private, loopback, link-local, multicast or reserved
addresses are refused (before and after redirects) unless an administrator allows them;
tested with a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socle.cli import app
from socle.config import Settings
from socle.errors import InputError
from socle.ingest.outbound import RefusedAddressError, is_public
from socle.ingest.remote import download

CSV = b"insee;nom\n01053;Bourg-en-Bresse\n"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A loopback server: /communes.csv, /redirect?to=URL, /big.csv (3 MB)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/redirect?to="):
                self.send_response(302)
                self.send_header("Location", self.path.removeprefix("/redirect?to="))
                self.end_headers()
                return
            body = CSV if self.path == "/communes.csv" else b"x" * (3 << 20)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (CGNAT)
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "2001:db8::1",  # documentation
    ],
)
def test_inside_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "193.51.24.1", "2001:4860:4860::8888"])
def test_public_addresses_are(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_loopback_is_refused_by_default(server: str, tmp_path: Path) -> None:
    with pytest.raises(RefusedAddressError, match="SOCLE_FETCH_ALLOWED_NETWORKS"):
        download(f"http://{server}/communes.csv", tmp_path, Settings(home=tmp_path))
    with pytest.raises(RefusedAddressError):
        download(f"http://localhost:{server.split(':')[1]}/communes.csv", tmp_path, Settings())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("allowed", ["127.0.0.1", "127.0.0.0/8", "localhost"])
def test_an_administrator_may_allow_a_host_or_network(
    server: str, tmp_path: Path, allowed: str
) -> None:
    host = "localhost" if allowed == "localhost" else "127.0.0.1"
    url = f"http://{host}:{server.split(':')[1]}/communes.csv"
    path = download(url, tmp_path, Settings(fetch_allowed_networks=[allowed]))
    assert path.read_bytes() == CSV


def test_redirects_are_checked_again(server: str, tmp_path: Path) -> None:
    port = server.split(":")[1]
    # localhost is allowed by name; its redirect to 127.0.0.1 (not allowed) is refused.
    settings = Settings(fetch_allowed_networks=["localhost"])
    inside = f"http://127.0.0.1:{port}/communes.csv"
    with pytest.raises(RefusedAddressError):
        download(f"http://localhost:{port}/redirect?to={inside}", tmp_path, settings)
    # Allowed both ways, the redirect is followed.
    settings = Settings(fetch_allowed_networks=["localhost", "127.0.0.1"])
    path = download(f"http://localhost:{port}/redirect?to={inside}", tmp_path, settings)
    assert path.read_bytes() == CSV


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_redirects_to_other_schemes_are_refused(server: str, tmp_path: Path, target: str) -> None:
    # urllib itself refuses file: (its message); ftp: reaches Socle's own check.
    settings = Settings(fetch_allowed_networks=["127.0.0.1"])
    with pytest.raises(InputError, match=r"http\(s\) seulement|is not allowed"):
        download(f"http://{server}/redirect?to={target}", tmp_path, settings)
    assert list(tmp_path.iterdir()) == []


def test_download_size_limit(server: str, tmp_path: Path) -> None:
    settings = Settings(fetch_allowed_networks=["127.0.0.1"], ingest_max_bytes=1 << 20)
    with pytest.raises(InputError, match="trop gros"):
        download(f"http://{server}/big.csv", tmp_path, settings)
    assert list(tmp_path.iterdir()) == []


def test_the_cli_refuses_clearly(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    schema = tmp_path / "schema.json"
    schema.write_text('{"fields": [{"name": "insee"}, {"name": "nom"}]}', encoding="utf-8")
    url = f"http://{server}/communes.csv"
    result = CliRunner().invoke(app, ["validate", url, "--schema", str(schema)])
    assert result.exit_code not in (0, 1), result.output
    assert "adresse privée" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("SOCLE_FETCH_ALLOWED_NETWORKS", "127.0.0.0/8")
    result = CliRunner().invoke(app, ["validate", url, "--schema", str(schema)])
    assert result.exit_code == 0, result.output
