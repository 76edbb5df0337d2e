"""A provider's discovery document and signing keys, fetched over HTTPS and kept an hour.

Discovery (OpenID Connect Discovery 1.0) must announce exactly the configured issuer; the
keys (JWKS) are fetched again once when a token names a key not yet known (key rotation).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from socle.config import OidcProvider
from socle.core.oidc.errors import SignInFailed
from socle.errors import UnavailableError

CACHE_SECONDS = 3600
TIMEOUT = httpx.Timeout(10.0)
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


@dataclass
class Metadata:
    """What the flow needs from the discovery document, and the provider's current keys."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    end_session_endpoint: str | None = None
    jwks: dict[str, Any] = field(default_factory=dict)
    fetched_at: float = 0.0


_cache: dict[str, Metadata] = {}
_lock = threading.Lock()


def discover(provider: OidcProvider) -> Metadata:
    """The provider's metadata and keys, from the cache if fetched less than an hour ago."""
    with _lock:
        cached = _cache.get(provider.issuer)
    if cached is not None and time.monotonic() - cached.fetched_at < CACHE_SECONDS:
        return cached
    document = get_json(f"{provider.issuer}/.well-known/openid-configuration")
    announced = str(document.get("issuer", "")).rstrip("/")
    if announced != provider.issuer:
        raise SignInFailed(
            "Le fournisseur d'identité annonce un autre émetteur que celui configuré : "
            "la connexion est refusée.",
            detail=f"configured {provider.issuer}, discovery says {announced}",
        )
    missing = [name for name in REQUIRED if not isinstance(document.get(name), str)]
    if missing:
        raise SignInFailed(
            "Le document de découverte du fournisseur d'identité est incomplet.",
            detail=f"missing {', '.join(missing)}",
        )
    endpoints = {
        name: _endpoint(document, name)
        for name in (*REQUIRED, "userinfo_endpoint", "end_session_endpoint")
    }
    metadata = Metadata(issuer=provider.issuer, **endpoints)  # type: ignore[arg-type]
    metadata.jwks = get_json(metadata.jwks_uri)
    metadata.fetched_at = time.monotonic()
    with _lock:
        _cache[provider.issuer] = metadata
    return metadata


def refresh_keys(metadata: Metadata) -> None:
    """Fetch the keys again: the provider may have rotated them."""
    metadata.jwks = get_json(metadata.jwks_uri)


def get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    response = request("GET", url, **kwargs)
    return json_body(response, url)


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One call to the provider; a network failure is a retryable UnavailableError."""
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            return client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise UnavailableError(
            "Le fournisseur d'identité ne répond pas. Réessayez dans quelques minutes.",
            detail=f"{method} {url}: {exc!r}",
        ) from exc


def json_body(response: httpx.Response, url: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise UnavailableError(
            "Le fournisseur d'identité a répondu par une erreur. Réessayez dans quelques minutes.",
            detail=f"GET {url}: HTTP {response.status_code}",
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SignInFailed(
            "Le fournisseur d'identité a envoyé une réponse illisible.",
            detail=f"{url}: not a JSON object",
        )
    return body


def _endpoint(document: dict[str, Any], name: str) -> str | None:
    """An endpoint of the document: HTTPS (plain HTTP only on loopback), or absent."""
    value = document.get(name)
    if value is None:
        return None
    parts = urlsplit(str(value))
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise SignInFailed(
            "Le fournisseur d'identité annonce une adresse non sécurisée (HTTPS attendu).",
            detail=f"{name}: {value}",
        )
    return str(value)
