"""Turning a template into a response: the visitor's language, shared context, security
headers, the error page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from socle.api.auth import current_principal
from socle.errors import SocleError
from socle.governance.policy import Principal
from socle.portal import i18n
from socle.portal.csrf import csrf_token

# Every asset is served by Socle itself, so the pages can forbid everything else. The other
# security headers are added to every response by socle.api.security_headers.
CSP = (
    "default-src 'self'; img-src 'self' data:{images}; style-src 'self'; script-src 'self'; "
    "font-src 'self' data:; object-src 'none'; frame-ancestors {ancestors}; base-uri 'self'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {"Content-Security-Policy": CSP.format(images="", ancestors="'none'")}

# Pages showing an account's details or a secret: never kept by a browser or a proxy.
NO_STORE = {**SECURITY_HEADERS, "Cache-Control": "no-store"}


def security_headers(*, embed: bool = False, image_origin: str | None = None) -> dict[str, str]:
    """The headers of a page; an embed may be framed by any site, a map may show tiles."""
    if not embed and image_origin is None:
        return SECURITY_HEADERS
    csp = CSP.format(
        images=f" {image_origin}" if image_origin else "",
        ancestors="*" if embed else "'none'",
    )
    return {**SECURITY_HEADERS, "Content-Security-Policy": csp}


def render(
    request: Request,
    template: str,
    status: int = 200,
    headers: dict[str, str] = SECURITY_HEADERS,
    **context: Any,
) -> HTMLResponse:
    """A page in the visitor's language, with the context every template needs and the
    security headers; a language picked with the switch is remembered in a cookie.

    ``csrf_token()`` in a template creates the session's CSRF token only when a form needs it.
    """
    settings = request.app.state.settings
    lang = i18n.negotiate(request)
    html = (
        request.app.state.templates[lang]
        .get_template(template)
        .render(
            instance_name=settings.instance_name,
            languages=i18n.switch_links(request),
            account=signed_in(request),
            csrf_token=lambda: csrf_token(request),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    if i18n.chosen_language(request):
        response.set_cookie(
            i18n.COOKIE, lang, max_age=i18n.COOKIE_AGE, httponly=True, samesite="lax"
        )
    return response


def render_error(request: Request, error: SocleError) -> HTMLResponse:
    """The portal's side of the one error boundary: a French page with the error's status."""
    return render(
        request,
        "error.html",
        status=error.status,
        headers={**SECURITY_HEADERS, **error.headers()},
        title=error.title,
        message=error.message,
        status_code=error.status,
    )


def signed_in(request: Request) -> Principal | None:
    """The account signed in through a portal session, if any (never raises: error pages use it).

    A request with an API token is not a portal session: the header offers to sign in.
    """
    try:
        principal = current_principal(request)
    except SocleError:
        return None
    return principal if principal.user_id is not None and principal.token is None else None
