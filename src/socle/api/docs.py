"""The interactive API documentation, with Swagger UI served by Socle itself (from npm).

FastAPI's default page fetches Swagger UI from a CDN, which a sovereign instance must not do.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from socle.portal.assets import SWAGGER_UI_DIST

DOCS_PATH = "/api/v1/docs"


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
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "",
            title=f"{app.title} — documentation",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/dsfr/favicon/favicon.svg",
        )
