"""The ID token checks of core.oidc.tokens on tokens made here: the algorithms and keys that
are refused whatever the rest of the token says (the full flow is tests/portal/test_oidc)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from socle.core.oidc import Metadata, SignInFailed, tokens

ISSUER = "https://sso.example"


def jwk(private: Any, kid: str) -> dict[str, Any]:
    algorithm = (
        jwt.algorithms.RSAAlgorithm
        if isinstance(private, rsa.RSAPrivateKey)
        else (jwt.algorithms.ECAlgorithm)
    )
    key: dict[str, Any] = algorithm.to_jwk(private.public_key(), as_dict=True)
    return {**key, "kid": kid, "use": "sig"}


RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC = ec.generate_private_key(ec.SECP256R1())
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def metadata() -> Metadata:
    return Metadata(
        issuer=ISSUER,
        authorization_endpoint=f"{ISSUER}/auth",
        token_endpoint=f"{ISSUER}/token",
        jwks_uri="http://127.0.0.1:9/jwks",  # never reached: every kid below is known
        jwks={"keys": [jwk(RSA, "rsa"), jwk(EC, "ec")]},
    )


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": "socle", "sub": "s", "iat": now, "exp": now + 60,
            "nonce": "n" * 43, **changes}  # fmt: skip


def check(token: str) -> dict[str, Any]:
    return tokens.verify(metadata(), token, "socle", nonce="n" * 43)


def test_rs256_and_es256_tokens_pass() -> None:
    assert check(jwt.encode(claims(), RSA, "RS256", headers={"kid": "rsa"}))["sub"] == "s"
    assert check(jwt.encode(claims(), EC, "ES256", headers={"kid": "ec"}))["sub"] == "s"


def signed(key: Any = RSA, kid: str = "rsa", **changes: Any) -> str:
    algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
    return jwt.encode(claims(**changes), key, algorithm, headers={"kid": kid})


# Made when the test runs: the tokens expire a minute after they are signed.
REFUSED: list[tuple[Callable[[], str], str]] = [
    (lambda: jwt.encode(claims(), "secret-partage-assez-long-pour-hs256", "HS256"), "algorithme"),
    (lambda: jwt.encode(claims(), None, "none"), "algorithme"),
    (lambda: signed(OTHER), "signature fausse"),
    (lambda: signed(aud="autre"), "autre application"),
    (lambda: signed(exp=int(time.time()) - 600), "expiré"),
    (lambda: signed(iss="https://x.example"), "autre émetteur"),
    (lambda: signed(nonce="autre"), "nonce"),
    (lambda: signed(aud=["socle", "b"], azp="b"), "autre application"),
    (lambda: "pas.un.jeton", "illisible"),
]


@pytest.mark.parametrize(("make", "words"), REFUSED)
def test_refused_tokens_say_why(make: Callable[[], str], words: str) -> None:
    with pytest.raises(SignInFailed, match=words):
        check(make())


@pytest.fixture
def jwks_server() -> Iterator[tuple[str, dict[str, Any]]]:
    """A JWKS endpoint on loopback whose keys the test sets (a provider rotating its keys)."""
    published: dict[str, Any] = {"keys": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(published).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks", published
    server.shutdown()
    server.server_close()


def test_keys_are_fetched_again_for_an_unknown_key(
    jwks_server: tuple[str, dict[str, Any]],
) -> None:
    url, published = jwks_server
    known = metadata()
    known.jwks_uri = url
    token = signed(OTHER, "nouvelle")
    published["keys"] = [jwk(RSA, "rsa")]
    with pytest.raises(SignInFailed, match="clé inconnue"):
        tokens.verify(known, token, "socle", nonce="n" * 43)
    published["keys"] = [jwk(RSA, "rsa"), jwk(OTHER, "nouvelle")]  # the provider rotated
    assert tokens.verify(known, token, "socle", nonce="n" * 43)["sub"] == "s"
