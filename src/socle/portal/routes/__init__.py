"""The portal's pages, one module per family, gathered in one router."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from socle.portal.csrf import check_csrf
from socle.portal.routes import (
    about,
    account,
    agreements,
    audit,
    catalog,
    charts,
    comments,
    data_requests,
    datasets,
    home,
    login,
    maps,
    moderation,
    oidc,
    oidc_logout,
    organizations,
    quality,
    register,
    retention,
    reuses,
    schemas,
    table,
    usage,
)
from socle.portal.routes import algorithms as algorithm_pages

# Every POST of the portal is a form checked against CSRF here, once for all.
router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
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
    reuses,
    data_requests,
    comments,
    moderation,
    login,
    account,
    usage,
    about,
    retention,
    audit,
    oidc,
    oidc_logout,
    register,
    algorithm_pages,
    agreements,
):
    router.include_router(family.router)
