"""Turning a template into a response: shared context, security headers, the error page."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from socle.errors import SocleError

# Every asset is served by Socle itself, so the pages can forbid everything else.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self' data:; object-src 'none'; frame-ancestors 'self'; base-uri 'self'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with the context every template needs and the security headers."""
    settings = request.app.state.settings
    html = request.app.state.templates.get_template(template).render(
        instance_name=settings.instance_name, **context
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def render_error(request: Request, error: SocleError) -> HTMLResponse:
    """The portal's side of the one error boundary: a French page with the error's status."""
    return render(
        request,
        "error.html",
        status=error.status,
        title=error.title,
        message=error.message,
        status_code=error.status,
    )
