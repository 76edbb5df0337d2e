"""``/demandes``: published dataset requests with their status, one page each."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.core import participation
from socle.core.organizations import list_organizations
from socle.core.participation import STATUS_LABELS, Status
from socle.core.participation.views import request_view
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.portal.contributions import form_page, submit
from socle.portal.pagination import paginate
from socle.portal.rendering import render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()
# The thank-you page's texts, in French; the portal translates them (babel.cfg).
THANKS = {
    "title": "Merci pour votre demande",
    "message": "Elle sera publiée sur cette page après relecture ; la collectivité y répondra.",
    "back_label": "Retour aux demandes",
}
PAGE_SIZE = 20
FORM = "request_form.html"
PUBLIC_STATUSES = (Status.OPEN, Status.ANSWERED, Status.CLOSED)


@router.get("/demandes", response_class=HTMLResponse)
def requests_page(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    statut: Status | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    total, rows = participation.list_requests(
        instance, principal, status=statut, page=page, page_size=PAGE_SIZE
    )
    return render(
        request,
        "requests.html",
        section="requests",
        total=total,
        requests=[request_view(r, principal, "") for r in rows],
        chosen=statut.value if statut else None,
        statuses=[(s.value, STATUS_LABELS[s]) for s in PUBLIC_STATUSES],
        params={"statut": statut.value} if statut else {},
        pagination=paginate(page, math.ceil(total / PAGE_SIZE)),
    )


def _organizations(instance: Instance, principal: Principal) -> list[tuple[str, str]]:
    return [(org.slug, org.name) for org, _ in list_organizations(instance, principal)]


@router.get("/demandes/nouvelle", response_class=HTMLResponse)
def new_request_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    return form_page(
        request,
        FORM,
        section="requests",
        organizations=_organizations(instance, principal),
    )


@router.post("/demandes/nouvelle", response_class=HTMLResponse)
async def new_request(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    def save(values: dict[str, str], _files: dict[str, bytes]) -> None:
        participation.create_request(
            instance,
            principal,
            title=values.get("title"),
            description=values.get("description"),
            organization=values.get("organization") or None,
            contact_email=values.get("contact_email"),
        )

    thanks = {**THANKS, "back": "/demandes"}
    return await submit(
        request,
        FORM,
        save,
        thanks,
        section="requests",
        organizations=_organizations(instance, principal),
    )


@router.get("/demandes/{request_id}", response_class=HTMLResponse)
def request_page(
    request: Request, request_id: str, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    found = participation.get_request(instance, principal, request_id)
    return render(request, "request.html", section="requests", r=request_view(found, principal, ""))
