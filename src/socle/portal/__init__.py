"""The public portal: French and English, DSFR, server-rendered, every asset served by Socle itself.

Public surface: :func:`mount`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from socle.portal.assets import LIBRARIES
from socle.portal.rendering import render_error
from socle.portal.routes import router
from socle.portal.routes.account import SignInRequired, to_sign_in
from socle.portal.templating import make_environments

STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI, node_modules: Path | None) -> None:
    """Add the portal's pages, its static files and its error page to ``app``."""
    app.state.templates = make_environments()
    app.state.render_error = render_error
    app.add_exception_handler(SignInRequired, to_sign_in)
    for name, dist in LIBRARIES.items():
        if node_modules is not None and (node_modules / dist).is_dir():
            app.mount(f"/static/{name}", StaticFiles(directory=node_modules / dist), name=name)
    app.mount("/static/socle", StaticFiles(directory=STATIC), name="socle-static")
    app.include_router(router)
