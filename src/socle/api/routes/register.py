"""``/api/v1/register``: the RGPD register of processing activities and its DPIAs, and
``/api/v1/organizations/{slug}/register``: an organization's register, its settings and its
spreadsheet export. Keepers (DPO, admin, data officer) read and write; others read
published registers only (404 otherwise). Writes need a token that is not read-only."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.errors import InputError
from socle.governance.policy import Principal
from socle.governance.register import (
    create_activity,
    find_activity,
    get_register,
    link_dataset,
    list_activities,
    parse_fields,
    parse_settings,
    set_dpia_status,
    unlink_dataset,
    update_activity,
    update_register,
)
from socle.governance.register.access import keeps
from socle.governance.register.export import FORMATS, workbook
from socle.governance.register.views import activity_view, register_view
from socle.storage.register import ProcessingActivity

router = APIRouter(tags=["registre RGPD"])
Payload = Annotated[dict[str, Any], Body(description="Champs de la fiche de traitement")]


def _view(activity: ProcessingActivity, principal: Principal, base: str) -> dict[str, Any]:
    kept = keeps(principal, activity.organization_id)
    return activity_view(activity, principal, base, kept=kept)


@router.get("/register")
def activities(
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    organization: Annotated[str | None, Query(max_length=100, description="Organisation")] = None,
) -> dict[str, Any]:
    """Processing activities of the registers the caller keeps, and of published registers."""
    found = list_activities(instance, principal, organization)
    return {"total_count": len(found), "results": [_view(a, principal, base) for a in found]}


@router.post("/register", status_code=201)
def create(
    instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, payload: Payload
) -> dict[str, Any]:
    """A new processing activity: ``organization``, ``slug``, ``name`` and the other fields."""
    fields = dict(payload)
    organization, slug = fields.pop("organization", None), fields.pop("slug", None)
    if not isinstance(organization, str) or not isinstance(slug, str):
        raise InputError("« organization » et « slug » sont obligatoires (texte)")
    activity = create_activity(instance, principal, organization, slug, parse_fields(fields))
    return _view(activity, principal, base)


@router.get("/register/{entry}")
def activity(
    entry: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    """One processing activity, by slug or id."""
    return _view(find_activity(instance, principal, entry), principal, base)


@router.patch("/register/{entry}")
def update(
    entry: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, payload: Payload
) -> dict[str, Any]:
    """Change the fields given (DPIA checklist, opinion and action plan included)."""
    found = update_activity(instance, principal, entry, parse_fields(payload))
    return _view(found, principal, base)


@router.post("/register/{entry}/datasets")
def link(
    entry: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    dataset: Annotated[str, Body(embed=True, max_length=100)],
) -> dict[str, Any]:
    """Link a catalog dataset of the same organization to the activity."""
    return _view(link_dataset(instance, principal, entry, dataset), principal, base)


@router.delete("/register/{entry}/datasets/{dataset}")
def unlink(
    entry: str, dataset: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    return _view(unlink_dataset(instance, principal, entry, dataset), principal, base)


@router.post("/register/{entry}/dpia/status")
def dpia_status(
    entry: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    status: Annotated[
        Literal["to_do", "in_progress", "dpo_opinion", "validated"], Body(embed=True)
    ],
) -> dict[str, Any]:
    """Move the DPIA along its workflow: to_do → in_progress → dpo_opinion → validated."""
    return _view(set_dpia_status(instance, principal, entry, status), principal, base)


@router.get("/organizations/{slug}/register")
def register(
    slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    """An organization's register: contacts and activities (public view once published)."""
    return register_view(get_register(instance, principal, slug), principal, base)


@router.patch("/organizations/{slug}/register")
def register_settings(
    slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, payload: Payload
) -> dict[str, Any]:
    """Contacts of the controller and the DPO, and ``published`` (true to publish)."""
    update_register(instance, principal, slug, parse_settings(payload))
    return register_view(get_register(instance, principal, slug), principal, base)


@router.get("/organizations/{slug}/register.{fmt}")
def register_export(
    slug: str, fmt: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> Response:
    """The register as a spreadsheet (xlsx or ods), one sheet per processing activity."""
    if fmt not in FORMATS:
        raise InputError(f"Format « {fmt} » inconnu ; formats : {', '.join(FORMATS)}")
    view = register_view(get_register(instance, principal, slug), principal, base)
    name = f"registre-traitements-{slug}.{fmt}"
    return Response(
        workbook(view, fmt),
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
