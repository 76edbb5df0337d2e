"""``/organisations``: the publishers, and each one's datasets the visitor may see."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.core import catalog
from socle.core.organizations import get_organization, list_organizations
from socle.core.views import organization_view, search_view
from socle.governance.retention.upcoming import may_oversee
from socle.portal.pagination import paginate
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()
PAGE_SIZE = 10


@router.get("/organisations", response_class=HTMLResponse)
def organizations_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    rows = list_organizations(instance, principal)
    return render(
        request,
        "organizations.html",
        section="organizations",
        organizations=[organization_view(org, count) for org, count in rows],
    )


@router.get("/organisations/{slug}", response_class=HTMLResponse)
def organization_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    org = get_organization(instance, slug)
    result = catalog.search(
        instance,
        principal,
        filters={"organization": slug},
        sort="title",
        page=page,
        page_size=PAGE_SIZE,
    )
    return render(
        request,
        "organization.html",
        section="organizations",
        org=organization_view(org),
        result=search_view(result, base),
        params={},
        pagination=paginate(page, math.ceil(result.total_count / PAGE_SIZE)),
        oversees=may_oversee(principal, org.id),
    )
