"""The interactive API documentation, with Swagger UI served by Socle itself (from npm).

FastAPI's default page fetches Swagger UI from a CDN, which a sovereign instance must not do,
and starts it with an inline script, which the Content-Security-Policy forbids: this page loads
Swagger UI and its starter (``static/swagger-init.js``) from Socle only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from socle.portal.assets import SWAGGER_UI_DIST
from socle.portal.rendering import SECURITY_HEADERS

DOCS_PATH = "/api/v1/docs"
PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
<link rel="icon" href="/static/dsfr/favicon/favicon.svg">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js" defer></script>
<script src="/static/socle/swagger-init.js" defer></script>
</body>
</html>
"""


def mount(app: FastAPI, node_modules: Path | None) -> None:
    """Add ``/api/v1/docs`` when swagger-ui-dist is installed (it is by scripts/setup.sh)."""
    if node_modules is None or not (node_modules / SWAGGER_UI_DIST).is_dir():
        return
    app.mount(
        "/static/swagger-ui",
        StaticFiles(directory=node_modules / SWAGGER_UI_DIST),
        name="swagger-ui",
    )

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        html = PAGE.format(
            title=escape(f"{app.title} — documentation"), openapi=escape(app.openapi_url or "")
        )
        return HTMLResponse(html, headers=SECURITY_HEADERS)
