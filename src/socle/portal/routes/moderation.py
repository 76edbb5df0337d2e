"""``/moderation``: a signed-in moderator publishes or refuses what visitors sent.

Moderators are who :func:`socle.core.participation.moderation.can_moderate` names (today the
instance's superadmins); for anyone else the page does not exist (404), like the CLI's view.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from socle.core import participation
from socle.core.participation import KIND_LABELS, STATUS_LABELS
from socle.portal.rendering import render
from socle.portal.routes._deps import InstanceDep, PrincipalDep

router = APIRouter()
PAGE = "/moderation"


@router.get(PAGE, response_class=HTMLResponse)
def moderation_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    items = participation.list_items(instance, principal)
    return render(
        request,
        "moderation.html",
        section="moderation",
        items=items,
        kinds=KIND_LABELS,
        statuses={s.value: label for s, label in STATUS_LABELS.items()},
        notifications=participation.list_notifications(instance, limit=20),
        done=request.session.pop("moderation", None),
    )


@router.post(PAGE + "/{item_id}/publier")
def publish(
    request: Request, item_id: str, instance: InstanceDep, principal: PrincipalDep
) -> RedirectResponse:
    item = participation.approve(instance, principal, item_id)
    request.session["moderation"] = f"« {item.title} » est publié(e)."
    return RedirectResponse(PAGE, status_code=303)


@router.post(PAGE + "/{item_id}/refuser")
async def refuse(
    request: Request, item_id: str, instance: InstanceDep, principal: PrincipalDep
) -> RedirectResponse:
    reason = (await request.form()).get("motif")
    item = participation.reject(
        instance, principal, item_id, reason if isinstance(reason, str) else None
    )
    request.session["moderation"] = f"« {item.title} » est refusé(e)."
    return RedirectResponse(PAGE, status_code=303)
