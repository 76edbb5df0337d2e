"""The authorization code flow: the request sent through the browser, then the checks of what
comes back (state, code exchange with the PKCE verifier, ID token, userinfo).

What must survive the trip to the provider (state, nonce, PKCE verifier, where to go next)
is a :class:`PendingLogin` kept in the visitor's signed session cookie; it serves once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from socle.config import OidcProvider
from socle.core.oidc import tokens
from socle.core.oidc.errors import SignInFailed
from socle.core.oidc.provider import Metadata, discover, json_body, request

# How long the visitor may take at the provider.
PENDING_SECONDS = 600
# Errors a provider may send back whose French wording is known (anything else: generic).
PROVIDER_ERRORS = {
    "access_denied": "la connexion a été annulée ou refusée chez le fournisseur d'identité",
    "login_required": "le fournisseur d'identité demande de se connecter à nouveau",
    "consent_required": "le fournisseur d'identité attend votre accord",
    "temporarily_unavailable": "le fournisseur d'identité est momentanément indisponible",
}


@dataclass(frozen=True)
class PendingLogin:
    """A sign-in started in this browser, waiting for the provider's answer."""

    provider: str
    state: str
    nonce: str
    verifier: str | None
    next: str
    started: float

    @classmethod
    def from_session(cls, value: object) -> PendingLogin | None:
        """The pending sign-in kept in the session, if any and recent enough."""
        if not isinstance(value, dict):
            return None
        try:
            pending = cls(**value)
        except TypeError:
            return None
        return pending if time.time() - pending.started <= PENDING_SECONDS else None

    def as_session(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Claims:
    """Who the provider says signed in, read from the ID token and userinfo."""

    provider: str
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str
    siret: str | None
    id_token: str  # kept for the provider's logout (id_token_hint)


def begin(
    name: str, provider: OidcProvider, redirect_uri: str, next_path: str
) -> tuple[str, PendingLogin]:
    """The provider's authorization URL to send the browser to, and what to keep meanwhile."""
    metadata = discover(provider)
    verifier = secrets.token_urlsafe(64) if provider.pkce else None
    pending = PendingLogin(
        provider=name,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=verifier,
        next=next_path,
        started=time.time(),
    )
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.effective_scopes),
        "state": pending.state,
        "nonce": pending.nonce,
    }
    if verifier is not None:
        params["code_challenge"] = challenge(verifier)
        params["code_challenge_method"] = "S256"
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return f"{metadata.authorization_endpoint}{separator}{urlencode(params)}", pending


def challenge(verifier: str) -> str:
    """The S256 code challenge of RFC 7636."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def complete(
    provider: OidcProvider,
    pending: PendingLogin,
    params: Mapping[str, str],
    redirect_uri: str,
) -> Claims:
    """Check the provider's answer to ``pending`` and return who signed in."""
    error = params.get("error")
    if error:
        reason = PROVIDER_ERRORS.get(error, "le fournisseur d'identité a signalé une erreur")
        raise SignInFailed(
            f"Connexion interrompue : {reason}.",
            detail=f"provider error {error}: {params.get('error_description', '')[:200]}",
        )
    state = params.get("state", "")
    if not secrets.compare_digest(state.encode(), pending.state.encode()):
        raise SignInFailed(
            "Cette réponse du fournisseur d'identité ne correspond pas à la connexion en cours "
            "dans ce navigateur (state différent). Recommencez la connexion.",
            detail="state mismatch",
        )
    code = params.get("code")
    if not code:
        raise SignInFailed(
            "Le fournisseur d'identité n'a pas envoyé de code de connexion.", detail="no code"
        )
    metadata = discover(provider)
    # RFC 9207: a provider that names itself in its answer must name the configured issuer.
    if "iss" in params and params["iss"].rstrip("/") != metadata.issuer:
        raise SignInFailed(
            "Cette réponse vient d'un autre fournisseur d'identité que celui choisi : la "
            "connexion est refusée.",
            detail=f"authorization response iss={params['iss'][:200]}",
        )
    answer = _exchange(provider, metadata, code, pending, redirect_uri)
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise SignInFailed(
            "Le fournisseur d'identité n'a pas envoyé de jeton d'identité.", detail="no id_token"
        )
    claims = tokens.verify(metadata, id_token, provider.client_id, nonce=pending.nonce)
    access_token = answer.get("access_token")
    if provider.userinfo and metadata.userinfo_endpoint and isinstance(access_token, str):
        claims = {**claims, **_userinfo(provider, metadata, access_token, claims["sub"])}
    return _claims(pending.provider, provider, metadata.issuer, claims, id_token)


def logout_url(
    provider: OidcProvider, id_token: str, post_logout_redirect_uri: str, state: str
) -> str | None:
    """Where to send the browser to end the provider's session too, if it offers that."""
    metadata = discover(provider)
    if metadata.end_session_endpoint is None:
        return None
    params = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "client_id": provider.client_id,
    }
    separator = "&" if "?" in metadata.end_session_endpoint else "?"
    return f"{metadata.end_session_endpoint}{separator}{urlencode(params)}"


def _exchange(
    provider: OidcProvider,
    metadata: Metadata,
    code: str,
    pending: PendingLogin,
    redirect_uri: str,
) -> dict[str, Any]:
    """The token endpoint's answer to the code (RFC 6749 §4.1.3, with RFC 7636's verifier)."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if pending.verifier is not None:
        data["code_verifier"] = pending.verifier
    secret = provider.client_secret.get_secret_value() if provider.client_secret else None
    auth: tuple[str, str] | None = None
    if secret is not None and provider.effective_token_auth_method == "client_secret_basic":
        auth = (provider.client_id, secret)
    else:
        data["client_id"] = provider.client_id
        if secret is not None:
            data["client_secret"] = secret
    response = request(
        "POST",
        metadata.token_endpoint,
        data=data,
        auth=auth,
        headers={"Accept": "application/json"},
    )
    if response.status_code in (400, 401):
        try:
            error = str(response.json().get("error", ""))
        except (ValueError, AttributeError):
            error = ""
        if error == "invalid_grant":
            raise SignInFailed(
                "Le fournisseur d'identité a refusé le code de connexion (déjà utilisé, "
                "expiré ou émis pour une autre demande). Recommencez la connexion.",
                detail="token endpoint: invalid_grant",
            )
        raise SignInFailed(
            "Le fournisseur d'identité a refusé la demande de jeton : vérifiez la "
            "configuration du client (identifiant, secret, adresse de retour).",
            detail=f"token endpoint: HTTP {response.status_code} {error}",
        )
    return json_body(response, metadata.token_endpoint)


def _userinfo(
    provider: OidcProvider, metadata: Metadata, access_token: str, subject: str
) -> dict[str, Any]:
    """The userinfo claims, plain JSON or a signed JWT (ProConnect), about the same subject."""
    url = metadata.userinfo_endpoint or ""
    response = request(
        "GET",
        url,
        headers={
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/jwt, application/json",
        },
    )
    if response.headers.get("content-type", "").startswith("application/jwt"):
        if response.status_code != 200:
            json_body(response, url)  # raises with the status
        info = tokens.verify(metadata, response.text.strip(), provider.client_id, required=("sub",))
    else:
        info = json_body(response, url)
    if info.get("sub") != subject:
        raise SignInFailed(
            "Les informations envoyées par le fournisseur d'identité concernent une autre "
            "personne que le jeton d'identité : la connexion est refusée.",
            detail="userinfo sub differs from the ID token's",
        )
    return info


def _claims(
    name: str, provider: OidcProvider, issuer: str, claims: dict[str, Any], id_token: str
) -> Claims:
    def text(key: str) -> str:
        value = claims.get(key)
        return value.strip() if isinstance(value, str) else ""

    surname = text("usual_name") or text("family_name")
    full_name = " ".join(part for part in (text("given_name"), surname) if part) or text("name")
    siret = claims.get(provider.siret_claim)
    return Claims(
        provider=name,
        issuer=issuer,
        subject=str(claims["sub"]),
        email=text("email") or None,
        email_verified=claims.get("email_verified") in (True, "true"),
        name=full_name,
        siret=str(siret) if isinstance(siret, str | int) else None,
        id_token=id_token,
    )
