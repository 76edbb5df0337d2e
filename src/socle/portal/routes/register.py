"""``/registre``: the RGPD register of processing activities on the portal.

Keepers of a register (its organization's DPO, admins and data officers) list, create and
edit its activities, tick the DPIA checklist, move the DPIA along, link datasets, set the
register's contacts, publish it and print it. Everyone else sees published registers only;
for them the rest does not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socle.core.organizations import list_organizations
from socle.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from socle.governance.policy import ADMIN, Principal
from socle.governance.register import (
    assess,
    create_activity,
    dpia,
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
    vocabularies,
)
from socle.governance.register.access import is_dpo, keeps, kept_organizations
from socle.governance.register.registers import CONTACT_FIELDS
from socle.governance.register.views import activity_view, register_view
from socle.instance import Instance
from socle.portal.flash import flash, take_flash
from socle.portal.register_form import activity_values, form_values, slugify
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep
from socle.storage.register import ProcessingActivity
from socle.storage.tables import Organization

router = APIRouter()
PAGE = "/registre"
VOCABULARIES: dict[str, Any] = {
    "legal_bases": vocabularies.LEGAL_BASES,
    "data_categories": vocabularies.DATA_CATEGORIES,
    "sensitive_categories": vocabularies.SENSITIVE_CATEGORIES,
    "security_measures": vocabularies.SECURITY_MEASURES,
    "safeguards": vocabularies.TRANSFER_SAFEGUARDS,
    "criteria": dpia.EDPB_CRITERIA,
    "cnil_types": dpia.CNIL_MANDATORY_TYPES,
    "statuses": dpia.STATUSES,
    "edpb_source": dpia.EDPB_SOURCE,
    "cnil_source": dpia.CNIL_SOURCE,
}


@router.get(PAGE, response_class=HTMLResponse)
def registers_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    """Every activity the visitor may see, by organization."""
    found = list_activities(instance, principal)
    views = [
        activity_view(a, principal, base, kept=keeps(principal, a.organization_id)) for a in found
    ]
    return render(
        request,
        "registers.html",
        section="register",
        activities=views,
        kept=_kept(instance, principal),
        flash=take_flash(request),
    )


@router.get(PAGE + "/nouveau", response_class=HTMLResponse)
def new_page(request: Request, instance: InstanceDep, principal: PrincipalDep) -> HTMLResponse:
    return _form(request, instance, principal, None, {})


@router.post(PAGE + "/nouveau", response_class=HTMLResponse)
async def new_submit(request: Request, instance: InstanceDep, principal: PrincipalDep) -> Response:
    form = await request.form()
    organization = str(form.get("organization") or "")
    values = form_values(form, dpo=_dpo_of(instance, principal, organization))
    slug = str(form.get("slug") or "").strip() or slugify(values.get("name", ""))
    try:
        activity = create_activity(instance, principal, organization, slug, parse_fields(values))
    except (InputError, ConflictError, ForbiddenError) as error:
        values.update(slug=slug, organization=organization)
        return _form(request, instance, principal, None, values, error=error.message)
    flash(request, f"Traitement « {activity.name} » ajouté au registre.")
    return RedirectResponse(f"{PAGE}/{activity.slug}", status_code=303)


@router.get(PAGE + "/{entry}", response_class=HTMLResponse)
def entry_page(
    request: Request, entry: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    activity = find_activity(instance, principal, entry)
    kept = keeps(principal, activity.organization_id)
    return render(
        request,
        "register_entry.html",
        section="register",
        activity=activity_view(activity, principal, base, kept=kept),
        editable=keeps(principal, activity.organization_id, write=True),
        flash=take_flash(request),
        error=take_flash(request, error=True),
        **VOCABULARIES,
    )


@router.get(PAGE + "/{entry}/modifier", response_class=HTMLResponse)
def edit_page(
    request: Request, entry: str, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    activity = _editable(instance, principal, entry)
    return _form(request, instance, principal, activity, activity_values(activity))


@router.post(PAGE + "/{entry}/modifier", response_class=HTMLResponse)
async def edit_submit(
    request: Request, entry: str, instance: InstanceDep, principal: PrincipalDep
) -> Response:
    activity = _editable(instance, principal, entry)
    dpo = is_dpo(principal, activity.organization_id)
    values = form_values(await request.form(), dpo=dpo)
    try:
        update_activity(instance, principal, activity.slug, parse_fields(values))
    except (InputError, ForbiddenError) as error:
        return _form(request, instance, principal, activity, values, error=error.message)
    flash(request, "Fiche de traitement enregistrée.")
    return RedirectResponse(f"{PAGE}/{activity.slug}", status_code=303)


@router.post(PAGE + "/{entry}/aipd")
async def dpia_status(
    request: Request, entry: str, instance: InstanceDep, principal: PrincipalDep
) -> RedirectResponse:
    status = str((await request.form()).get("statut") or "")
    return _act(request, entry, lambda: set_dpia_status(instance, principal, entry, status),
                f"Statut de l'AIPD : {dpia.STATUSES.get(status, status)}.")  # fmt: skip


@router.post(PAGE + "/{entry}/jeux")
async def link(
    request: Request, entry: str, instance: InstanceDep, principal: PrincipalDep
) -> RedirectResponse:
    dataset = str((await request.form()).get("dataset") or "").strip()
    return _act(request, entry, lambda: link_dataset(instance, principal, entry, dataset),
                f"« {dataset} » est rattaché au traitement.")  # fmt: skip


@router.post(PAGE + "/{entry}/jeux/retirer")
async def unlink(
    request: Request, entry: str, instance: InstanceDep, principal: PrincipalDep
) -> RedirectResponse:
    dataset = str((await request.form()).get("dataset") or "").strip()
    return _act(request, entry, lambda: unlink_dataset(instance, principal, entry, dataset),
                f"« {dataset} » n'est plus rattaché au traitement.")  # fmt: skip


@router.get("/organisations/{slug}/registre", response_class=HTMLResponse)
def organization_register(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    register = get_register(instance, principal, slug)
    return render(
        request,
        "register.html",
        section="register",
        register=register_view(register, principal, base),
        editable=register.editable,
        contact_fields=CONTACT_FIELDS,
        flash=take_flash(request),
        error=take_flash(request, error=True),
    )


@router.post("/organisations/{slug}/registre")
async def organization_register_submit(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep
) -> RedirectResponse:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "") for name in CONTACT_FIELDS}
    values["published"] = bool(form.get("published"))
    try:
        update_register(instance, principal, slug, parse_settings(values))
        flash(request, "Registre enregistré.")
    except InputError as error:
        flash(request, error.message, error=True)
    return RedirectResponse(f"/organisations/{slug}/registre", status_code=303)


@router.get("/organisations/{slug}/registre/impression", response_class=HTMLResponse)
def organization_register_print(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    """A printable page of the register, for the CNIL (print it or save it as PDF)."""
    register = get_register(instance, principal, slug)
    return render(
        request,
        "register_print.html",
        register=register_view(register, principal, base),
        css=None,
        printed_on=datetime.now(UTC).date(),
    )


def _kept(instance: Instance, principal: Principal, *, write: bool = False) -> list[Organization]:
    """The organizations whose register ``principal`` keeps (or, with ``write``, edits)."""
    ids = kept_organizations(principal)
    if principal.is_anonymous or ids == set():
        return []
    return [
        org
        for org, _ in list_organizations(instance, ADMIN)
        if (ids is None or org.id in ids) and keeps(principal, org.id, write=write)
    ]


def _dpo_of(instance: Instance, principal: Principal, organization: str) -> bool:
    return any(
        o.slug == organization and is_dpo(principal, o.id) for o in _kept(instance, principal)
    )


def _editable(instance: Instance, principal: Principal, entry: str) -> ProcessingActivity:
    activity = find_activity(instance, principal, entry)
    if not keeps(principal, activity.organization_id, write=True):
        raise NotFoundError(f"Traitement « {entry} » introuvable")
    return activity


def _form(
    request: Request,
    instance: Instance,
    principal: Principal,
    activity: ProcessingActivity | None,
    values: dict[str, Any],
    error: str | None = None,
) -> HTMLResponse:
    """The new (``activity`` None) or edit form, with what was sent and the refusal if any."""
    organizations = _kept(instance, principal, write=True)
    if not organizations:
        raise NotFoundError("Cette page n'existe pas")
    if activity is None:
        dpo = any(is_dpo(principal, o.id) for o in organizations)
    else:
        dpo = is_dpo(principal, activity.organization_id)
    return render(
        request,
        "register_form.html",
        status=400 if error else 200,
        section="register",
        slug=activity.slug if activity else None,
        values=values,
        organizations=[(o.slug, o.name) for o in organizations],
        error=error,
        dpo=dpo,
        dpia_required=assess(
            values.get("dpia_criteria", []), values.get("dpia_cnil_types", [])
        ).required,
        threshold=dpia.CRITERIA_THRESHOLD,
        **VOCABULARIES,
    )


def _act(request: Request, entry: str, action: Callable[[], object], done: str) -> RedirectResponse:
    """Run a form's action; back to the entry's page with its outcome (a refusal shown)."""
    try:
        action()
        flash(request, done)
    except (InputError, ConflictError, ForbiddenError) as error:
        flash(request, error.message, error=True)
    return RedirectResponse(f"{PAGE}/{entry}", status_code=303)
