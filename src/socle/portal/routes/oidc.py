"""Signing in through an OpenID Connect provider: ``/connexion/oidc/NAME`` sends the browser
there, ``/connexion/oidc/NAME/retour`` checks its answer.

A successful return opens the same portal session as a password (``api.auth.sign_in``); the
ID token is kept in it for the provider's logout (see oidc_logout).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from socle.api.auth import sign_in
from socle.config import OidcProvider
from socle.core import oidc
from socle.core.identities import record_refusal, sign_in_external
from socle.errors import NotFoundError, SocleError
from socle.portal.rendering import NO_STORE, signed_in
from socle.portal.routes._deps import BaseUrl, InstanceDep
from socle.portal.routes._next import safe_next
from socle.portal.routes.oidc_logout import SIGNED

router = APIRouter()
PENDING = "oidc_pending"  # session key of the sign-in waiting for the provider


@dataclass(frozen=True)
class Button:
    """A provider offered on the sign-in page."""

    title: str
    href: str
    proconnect: bool


def buttons(request: Request, next_path: str) -> list[Button]:
    """The sign-in page's buttons, one per configured provider."""
    query = urlencode({"suivant": safe_next(next_path)})
    providers: dict[str, OidcProvider] = request.app.state.settings.oidc_providers
    return [
        Button(
            title=provider.label(name),
            href=f"/connexion/oidc/{name}?{query}",
            proconnect=provider.kind == "proconnect",
        )
        for name, provider in providers.items()
    ]


def _provider(request: Request, name: str) -> OidcProvider:
    provider = request.app.state.settings.oidc_providers.get(name)
    if provider is None:
        raise NotFoundError(f"Aucun fournisseur d'identité « {name[:40]} » n'est configuré")
    return provider


def _return_uri(base_url: str, name: str) -> str:
    return f"{base_url}/connexion/oidc/{name}/retour"


@router.get("/connexion/oidc/{provider}")
def start(request: Request, provider: str, base: BaseUrl, suivant: str = "/") -> Response:
    """Send the browser to the provider, remembering state, nonce and PKCE verifier."""
    settings = _provider(request, provider)
    if signed_in(request) is not None:
        return RedirectResponse(safe_next(suivant), status_code=303)
    url, pending = oidc.begin(provider, settings, _return_uri(base, provider), safe_next(suivant))
    request.session[PENDING] = pending.as_session()
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


@router.get("/connexion/oidc/{provider}/retour")
def finish(request: Request, provider: str, instance: InstanceDep, base: BaseUrl) -> Response:
    """Check the provider's answer, then open the session; a refusal is logged and explained."""
    settings = _provider(request, provider)
    pending = oidc.PendingLogin.from_session(request.session.pop(PENDING, None))
    try:
        if pending is None or pending.provider != provider:
            raise oidc.SignInFailed(
                "Aucune connexion n'est en cours dans ce navigateur, ou elle a expiré (elle ne "
                "sert qu'une fois). Recommencez la connexion.",
                detail="no pending sign-in",
            )
        params = dict(request.query_params)
        claims = oidc.complete(settings, pending, params, _return_uri(base, provider))
        user = sign_in_external(instance, settings, claims)
    except SocleError as error:  # refused, or the provider could not be reached
        record_refusal(instance, provider, error)
        raise
    sign_in(request, user)
    request.session[SIGNED] = {"provider": provider, "id_token": claims.id_token}
    return RedirectResponse(pending.next, status_code=303)
