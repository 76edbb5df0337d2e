"""``/reutilisations``: published reuses, one page each, and their images served by Socle."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from socle.core import participation
from socle.core.participation.images import MEDIA_TYPE, image_path
from socle.core.participation.views import reuse_view
from socle.errors import NotFoundError
from socle.portal.contributions import form_page, submit
from socle.portal.pagination import paginate
from socle.portal.rendering import render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()
# The thank-you page's texts, in French; the portal translates them (babel.cfg).
THANKS = {
    "title": "Merci pour votre proposition",
    "message": "Votre réutilisation sera publiée après relecture par la collectivité.",
    "back_label": "Retour aux réutilisations",
}
PAGE_SIZE = 12
FORM = "reuse_form.html"
# An image is only ever shown as one: never sniffed, never run, never framed.
IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=3600",
}


@router.get("/reutilisations", response_class=HTMLResponse)
def reuses_page(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    total, entries = participation.list_reuses(instance, principal, page=page, page_size=PAGE_SIZE)
    return render(
        request,
        "reuses.html",
        section="reuses",
        total=total,
        reuses=[reuse_view(e, "") for e in entries],
        pagination=paginate(page, math.ceil(total / PAGE_SIZE)),
    )


@router.get("/reutilisations/proposer", response_class=HTMLResponse)
def propose_page(request: Request, jeu: str | None = None) -> HTMLResponse:
    """The proposal form, with the dataset the visitor came from already named."""
    values = {"datasets": f"{jeu}\n"} if jeu else {}
    return form_page(request, FORM, values=values, section="reuses")


@router.post("/reutilisations/proposer", response_class=HTMLResponse)
async def propose(request: Request, instance: InstanceDep, principal: PrincipalDep) -> HTMLResponse:
    def save(values: dict[str, str], files: dict[str, bytes]) -> None:
        participation.propose_reuse(
            instance,
            principal,
            title=values.get("title"),
            url=values.get("url"),
            description=values.get("description"),
            datasets=values.get("datasets", "").splitlines(),
            image=files.get("image", b""),
            contact_email=values.get("contact_email"),
        )

    thanks = {**THANKS, "back": "/reutilisations"}
    return await submit(request, FORM, save, thanks, with_file=True, section="reuses")


@router.get("/reutilisations/{reuse_id}", response_class=HTMLResponse)
def reuse_page(
    request: Request, reuse_id: str, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    entry = participation.get_reuse(instance, principal, reuse_id)
    return render(request, "reuse.html", section="reuses", r=reuse_view(entry, ""))


@router.get("/reutilisations/{reuse_id}/image")
def reuse_image(reuse_id: str, instance: InstanceDep, principal: PrincipalDep) -> FileResponse:
    """The re-encoded image of a published reuse (never of a pending one: no free hosting)."""
    entry = participation.get_reuse(instance, principal, reuse_id)
    path = image_path(instance, entry.reuse.image)
    if path is None:
        raise NotFoundError("Image introuvable")
    return FileResponse(path, media_type=MEDIA_TYPE, headers=IMAGE_HEADERS)
