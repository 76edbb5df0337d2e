"""The ASGI application: API v1 under /api/v1, the portal at /, assets under /static."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from socle import __version__, portal
from socle.api import docs, problems
from socle.api.auth import install_sessions
from socle.api.client_address import ClientAddress
from socle.api.rate_limit import RateLimit
from socle.api.routes import agreements as agreements_routes
from socle.api.routes import anonymisation as anonymisation_routes
from socle.api.routes import (
    audit,
    ckan,
    datasets,
    dcat,
    me,
    ods,
    ogc,
    organizations,
    participation,
    retention,
    schemas,
)
from socle.api.routes import register as register_routes
from socle.api.routes import usage as usage_routes
from socle.api.routes.algorithms import router as algorithms_router
from socle.api.security_headers import HeaderPolicy, SecurityHeaders
from socle.api.usage import UsageMiddleware
from socle.config import Settings
from socle.core.usage import PeriodicFlush, UsageCounter
from socle.governance.retention.schedule import DailyRetention
from socle.instance import Instance, open_instance
from socle.portal.assets import find_node_modules


def create_app(settings: Settings, instance: Instance | None = None) -> FastAPI:
    """Build the app on an opened instance (opened here unless a test hands one in)."""
    opened = instance or open_instance(settings)
    usage = UsageCounter(opened.db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        flusher = PeriodicFlush(usage, settings.usage_flush_seconds)
        flusher.start()
        daily = None
        if settings.retention_daily_at is not None:
            daily = DailyRetention(opened, settings.retention_daily_at)
            daily.start()
        _app.state.retention = daily
        yield
        if daily is not None:
            daily.stop()
        flusher.stop()
        if instance is None:
            opened.close()

    app = FastAPI(
        title="Socle API",
        version=__version__,
        description="API de la plateforme de données territoriales Socle.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: see api.docs
        redoc_url=None,
        lifespan=lifespan,
        responses=problems.PROBLEMS,
    )
    app.state.instance = opened
    app.state.settings = settings
    app.state.usage = usage
    if settings.usage_statistics:
        app.add_middleware(UsageMiddleware, counter=usage)
    problems.install(app)
    install_sessions(app, settings)
    app.add_middleware(ClientAddress)
    app.add_middleware(RateLimit, settings=settings, instance=opened)
    app.state.header_policy = HeaderPolicy(settings)
    app.add_middleware(SecurityHeaders, policy=app.state.header_policy)
    app.include_router(datasets.router, prefix="/api/v1")
    app.include_router(usage_routes.router, prefix="/api/v1")
    app.include_router(organizations.router, prefix="/api/v1")
    app.include_router(schemas.router, prefix="/api/v1")
    app.include_router(participation.router, prefix="/api/v1")
    app.include_router(me.router, prefix="/api/v1")
    app.include_router(audit.router, prefix="/api/v1")
    app.include_router(retention.router, prefix="/api/v1")
    app.include_router(register_routes.router, prefix="/api/v1")
    app.include_router(algorithms_router, prefix="/api/v1")
    app.include_router(agreements_routes.router, prefix="/api/v1")
    app.include_router(dcat.router)
    app.include_router(ods.router)
    app.include_router(ckan.router)
    app.include_router(ogc.router)
    app.include_router(anonymisation_routes.router, prefix="/api/v1")
    node_modules = find_node_modules(settings.assets_dir)
    docs.mount(app, node_modules)
    portal.mount(app, node_modules)
    return app
