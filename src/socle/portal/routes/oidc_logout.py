"""Ending the provider's session too when a session that came from it signs out.

The portal's ``/deconnexion`` ends the local session, then, for a session opened through a
provider with an ``end_session_endpoint`` (OpenID Connect RP-initiated logout), shows a page
offering to end the provider's session; the provider sends the browser back to
``/deconnexion/retour`` with the state it was given.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socle.api.auth import sign_out
from socle.core import oidc
from socle.errors import InputError, SocleError
from socle.portal.rendering import NO_STORE, render

router = APIRouter()
SIGNED = "oidc"  # session key: the provider a session came from, with its ID token
LOGOUT_STATE = "oidc_logout_state"


def provider_logout(request: Request, base_url: str) -> Response | None:
    """End the local session; for a session that came from a provider that has an
    end_session_endpoint, the page offering to end the provider's session too.

    A page with a link rather than a redirect: the portal's pages only let forms lead to this
    site (CSP ``form-action 'self'``), and the logout button is a form.
    """
    came_from = request.session.get(SIGNED)
    sign_out(request)
    if not isinstance(came_from, dict):
        return None
    settings = request.app.state.settings.oidc_providers.get(came_from.get("provider"))
    if settings is None:
        return None
    state = secrets.token_urlsafe(32)
    try:
        url = oidc.logout_url(
            settings, str(came_from.get("id_token", "")), f"{base_url}/deconnexion/retour", state
        )
    except SocleError:
        url = None  # the provider is unreachable: the local session has ended all the same
    if url is None:
        return None
    request.session[LOGOUT_STATE] = state
    title = settings.label(came_from["provider"])
    return render(request, "logout_provider.html", headers=NO_STORE, provider=title, url=url)


@router.get("/deconnexion/retour", response_class=HTMLResponse)
def logout_return(request: Request, state: str = "") -> Response:
    """The provider's logout is done: back home, if this browser asked for it."""
    expected = request.session.pop(LOGOUT_STATE, None)
    if not isinstance(expected, str) or not secrets.compare_digest(
        state.encode(), expected.encode()
    ):
        raise InputError(
            "Ce retour de déconnexion ne correspond à aucune déconnexion demandée dans ce "
            "navigateur. Votre session sur ce site est de toute façon fermée."
        )
    return RedirectResponse("/", status_code=303)
