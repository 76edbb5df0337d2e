"""``/statistiques``: what the portal's datasets were used for in the last 30 days."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from socle.core.usage import reports
from socle.portal.rendering import render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/statistiques", response_class=HTMLResponse)
def statistics_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    return render(request, "statistics.html", summary=reports.instance_summary(instance, principal))
