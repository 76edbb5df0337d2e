"""``/organisations/{slug}/conservation``: the purges coming for an organization's datasets.

The page of :func:`socle.governance.retention.upcoming.upcoming_purges` (its JSON twin is
``/api/v1/organizations/{slug}/retention``): for the organization's DPO, administrators and
data officers and the instance's superadmins; it does not exist for anyone else (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.core.organizations import get_organization
from socle.core.views import organization_view
from socle.governance.retention import upcoming
from socle.portal.rendering import NO_STORE, render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/organisations/{slug}/conservation", response_class=HTMLResponse)
def retention_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    jours: Annotated[int, Query(ge=1, le=upcoming.MAX_DAYS)] = 30,
) -> HTMLResponse:
    outlook = upcoming.upcoming_purges(instance, principal, slug, jours)
    return render(
        request,
        "retention.html",
        headers=NO_STORE,
        section="organizations",
        org=organization_view(get_organization(instance, slug)),
        days=jours,
        items=[item.view() for item in outlook],
    )
