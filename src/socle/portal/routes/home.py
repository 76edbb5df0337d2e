"""``/``: what the territory publishes, at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from socle.core import catalog
from socle.core.organizations import list_organizations
from socle.core.views import search_view
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()
LATEST = 5


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    result = search_view(catalog.search(instance, principal, sort="date", page_size=LATEST), base)
    dataset_count, rows = catalog.totals(instance, principal)
    return render(
        request,
        "home.html",
        section="home",
        latest=result["results"],
        themes=result["facets"]["theme"],
        figures={
            "datasets": dataset_count,
            "organizations": len(list_organizations(instance, principal)),
            "rows": rows,
        },
    )
