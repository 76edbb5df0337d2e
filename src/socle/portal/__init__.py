"""The public portal: French, DSFR, server-rendered, every asset served by Socle itself."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from socle.errors import SocleError
from socle.portal.assets import DSFR_DIST, find_node_modules
from socle.portal.pages import render, router
from socle.portal.templating import make_environment

STATIC = Path(__file__).parent / "static"


def render_error(request: Request, error: SocleError) -> Response:
    return render(
        request,
        "error.html",
        status=error.status,
        title=error.title,
        message=error.message,
        status_code=error.status,
    )


def mount(app: FastAPI) -> None:
    """Add the portal's pages, its static files and its French error page to ``app``."""
    app.state.templates = make_environment()
    app.state.render_error = render_error
    node_modules = find_node_modules()
    if node_modules is not None:
        app.mount("/static/dsfr", StaticFiles(directory=node_modules / DSFR_DIST), name="dsfr")
    app.mount("/static/socle", StaticFiles(directory=STATIC), name="socle-static")
    app.include_router(router)
