"""Security headers on every response Socle sends: pages, API answers, errors, static files.

A pure ASGI middleware, so nothing (a mounted static folder, an error answer) escapes it.
A response keeps a Content-Security-Policy its route chose (portal pages, the API's
documentation); any other gets the strictest one. Only embeds (``/embed/...``) may be framed
by another site; HSTS is sent only on requests that came over TLS, or everywhere when the
administrator says TLS ends at a proxy that does not tell (``SOCLE_HSTS_BEHIND_PROXY``).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socle.config import Settings

EMBED_PREFIX = "/embed/"
# What an API answer, a file or an error needs of a browser: nothing.
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class HeaderPolicy:
    """Which headers a response gets, from the settings and the request's path and scheme."""

    def __init__(self, settings: Settings) -> None:
        self.hsts = f"max-age={settings.hsts_seconds}" if settings.hsts_seconds else None
        self.hsts_always = settings.hsts_behind_proxy

    def apply(self, headers: MutableHeaders, scope: Scope) -> None:
        """Add the headers the response does not set itself."""
        for name, value in ALWAYS.items():
            headers.setdefault(name, value)
        headers.setdefault("Content-Security-Policy", STRICT_CSP)
        if not scope["path"].startswith(EMBED_PREFIX):
            headers.setdefault("X-Frame-Options", "DENY")
        if self.hsts and (scope.get("scheme") == "https" or self.hsts_always):
            headers.setdefault("Strict-Transport-Security", self.hsts)


class SecurityHeaders:
    """The middleware; an unexpected error's answer, built outside every middleware by
    Starlette, gets the same headers from the error boundary (api.problems)."""

    def __init__(self, app: ASGIApp, policy: HeaderPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.policy.apply(MutableHeaders(scope=message), scope)
            await send(message)

        await self.app(scope, receive, with_headers)
