"""The HTTP client's address, kept for the audit log while a request is served.

A pure ASGI middleware: it reads only ``scope["client"]`` (behind a reverse proxy, run
uvicorn with ``--proxy-headers`` and ``--forwarded-allow-ips`` so that it is the caller's).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from socle.governance.audit import CLIENT_IP


class ClientAddress:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = CLIENT_IP.set(client[0] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_IP.reset(token)
