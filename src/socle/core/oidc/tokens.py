"""Checking a signed JWT from the provider: the ID token, or a userinfo answer sent signed.

PyJWT does the JOSE work (signature, exp/iat/iss/aud with a minute of clock leeway); only
asymmetric algorithms are accepted, with the provider's published keys: a token signed with
``none``, with a shared secret (HS256) or with a key the provider does not publish is refused.
"""

from __future__ import annotations

import secrets
from typing import Any

import jwt

from socle.core.oidc.errors import SignInFailed
from socle.core.oidc.provider import Metadata, refresh_keys

ALGORITHMS = ("RS256", "PS256", "ES256")
LEEWAY_SECONDS = 60


def verify(
    metadata: Metadata,
    token: str,
    client_id: str,
    *,
    nonce: str | None = None,
    required: tuple[str, ...] = ("exp", "iat", "iss", "aud", "sub"),
) -> dict[str, Any]:
    """The token's claims once its signature, issuer, audience, dates and nonce are right."""
    try:
        header = jwt.get_unverified_header(token)
        present = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise _refused("est illisible", repr(exc)) from exc
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise _refused("est signé avec un algorithme refusé", f"alg={algorithm!r}")
    key = _key(metadata, header.get("kid"), algorithm)
    # Issuer and audience are checked when required, and whenever the token carries them.
    check_aud = "aud" in required or "aud" in present
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[algorithm],
            audience=client_id if check_aud else None,
            issuer=metadata.issuer if "iss" in required or "iss" in present else None,
            leeway=LEEWAY_SECONDS,
            options={"require": list(required), "verify_aud": check_aud},
        )
    except jwt.InvalidSignatureError as exc:
        raise _refused("a une signature fausse", repr(exc)) from exc
    except jwt.InvalidIssuerError as exc:
        raise _refused("vient d'un autre émetteur", repr(exc)) from exc
    except jwt.InvalidAudienceError as exc:
        raise _refused("est destiné à une autre application", repr(exc)) from exc
    except jwt.ExpiredSignatureError as exc:
        raise _refused("a expiré", repr(exc)) from exc
    except jwt.PyJWTError as exc:
        raise _refused("est invalide", repr(exc)) from exc
    audiences = claims.get("aud")
    if isinstance(audiences, list) and len(audiences) > 1 and claims.get("azp") != client_id:
        raise _refused("est destiné à une autre application", f"azp={claims.get('azp')!r}")
    if nonce is not None:
        sent = claims.get("nonce")
        if not isinstance(sent, str) or not secrets.compare_digest(sent, nonce):
            raise _refused("ne répond pas à cette demande de connexion (nonce différent)", "nonce")
    return claims


def _key(metadata: Metadata, kid: str | None, algorithm: str) -> jwt.PyJWK:
    """The published key the token names, fetching the keys again once if it is unknown."""
    for attempt in range(2):
        if attempt:
            refresh_keys(metadata)
        try:
            keys = jwt.PyJWKSet.from_dict(metadata.jwks).keys
        except jwt.PyJWTError as exc:
            raise _refused("ne peut pas être vérifié (clés illisibles)", repr(exc)) from exc
        family = "EC" if algorithm.startswith("ES") else "RSA"
        matching = [
            k
            for k in keys
            if (k.key_id == kid if kid else True)
            and k.key_type == family
            and k.public_key_use in (None, "sig")
        ]
        if len(matching) == 1 or (matching and kid):
            return matching[0]
    raise _refused("est signé par une clé inconnue du fournisseur", f"kid={kid!r}")


def _refused(why: str, detail: str) -> SignInFailed:
    return SignInFailed(
        f"Le jeton d'identité envoyé par le fournisseur {why} : la connexion est refusée.",
        detail=detail,
    )
