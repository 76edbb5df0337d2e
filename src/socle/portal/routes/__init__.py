"""The portal's pages, one module per family, gathered in one router."""

from __future__ import annotations

from fastapi import APIRouter

from socle.portal.routes import (
    about,
    catalog,
    charts,
    datasets,
    home,
    maps,
    organizations,
    quality,
    schemas,
    table,
)

router = APIRouter(include_in_schema=False)
for family in (
    home,
    catalog,
    datasets,
    table,
    charts,
    maps,
    quality,
    organizations,
    schemas,
    about,
):
    router.include_router(family.router)
