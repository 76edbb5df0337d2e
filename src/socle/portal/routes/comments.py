"""Comments on a dataset: the published ones under its Informations tab, and the form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from socle.core import participation
from socle.core.participation.views import comment_view, reuse_view
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.portal.contributions import form_page, guard, submit
from socle.portal.routes._dataset import dataset_context
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()
# The thank-you page's texts, in French; the portal translates them (babel.cfg).
THANKS = {
    "title": "Merci pour votre commentaire",
    "message": "Il sera publié sous le jeu de données après relecture par la collectivité.",
    "back_label": "Retour au jeu de données",
}
FORM = "comment_form.html"
SHOWN_REUSES = 6


def participation_context(
    request: Request, instance: Instance, principal: Principal, slug: str
) -> dict[str, Any]:
    """What the Informations tab shows of participation: reuses, comments, the comment form."""
    total, reuses = participation.list_reuses(
        instance, principal, dataset=slug, page_size=SHOWN_REUSES
    )
    return {
        "reuses": [reuse_view(e, "") for e in reuses],
        "reuse_count": total,
        "comments": [
            comment_view(c) for c in participation.list_comments(instance, principal, slug)
        ],
        "form": guard(request),
        "values": {},
        "errors": {},
    }


@router.get("/jeux-de-donnees/{slug}/commenter", response_class=HTMLResponse)
def comment_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug)
    return form_page(request, FORM, **context)


@router.post("/jeux-de-donnees/{slug}/commenter", response_class=HTMLResponse)
async def comment(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug)

    def save(values: dict[str, str], _files: dict[str, bytes]) -> None:
        participation.post_comment(
            instance,
            principal,
            slug,
            body=values.get("body"),
            author_name=values.get("author_name"),
            contact_email=values.get("contact_email"),
        )

    thanks = {**THANKS, "back": f"/jeux-de-donnees/{slug}#discussion"}
    return await submit(request, FORM, save, thanks, **context)
