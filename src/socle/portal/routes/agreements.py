"""``/conventions``: data-sharing agreements in the portal — the owning organization's
admin signs one (clauses, covered datasets, the partner's obligations), the partner's
members see theirs and deliver their files, and ``/organisations/{slug}/livraisons`` shows
the owner where deliveries stand. Thin pages over core.agreements and core.deliveries.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from socle.api.uploads import save_upload
from socle.core.agreement_views import agreement_view, obligation_view
from socle.core.agreements import (
    add_agreement,
    add_obligation,
    follows_organization,
    get_agreement,
    is_partner_member,
    manages,
    visible_agreements,
)
from socle.core.deliveries import board, check_deliverer, deliver, obligations_for
from socle.core.obligations import PERIODS, ObligationTerms
from socle.core.organizations import get_organization, list_organizations
from socle.core.schemas import list_schemas
from socle.core.vocabularies import FREQUENCIES
from socle.errors import ConflictError, InputError, LimitExceededError, NotFoundError, SocleError
from socle.governance.identity import Role
from socle.governance.policy import ADMIN, Action, Principal, decide, organizations_where
from socle.instance import Instance
from socle.portal.csrf import MAX_UPLOAD_BYTES
from socle.portal.flash import flash, take_flash
from socle.portal.rendering import NO_STORE, render
from socle.portal.routes._deps import InstanceDep, PrincipalDep
from socle.portal.routes.account import SignInRequired
from socle.storage.tables import Dataset, Organization

router = APIRouter()
PAGE = "/conventions"
# Roles that sign agreements for their organization.
SIGNERS = frozenset({Role.ADMIN, Role.DATA_OFFICER})


def _signed_in(principal: Principal) -> Principal:
    if principal.is_anonymous:
        raise SignInRequired
    return principal


@router.get(PAGE, response_class=HTMLResponse)
def agreements_page(request: Request, instance: InstanceDep, principal: PrincipalDep) -> Response:
    principal = _signed_in(principal)
    found = visible_agreements(instance, principal)
    boards = [org for org, _ in list_organizations(instance, ADMIN)]
    return render(
        request,
        "agreements.html",
        headers=NO_STORE,
        agreements=[agreement_view(a, principal) for a in found],
        boards=[org for org in boards if follows_organization(principal, org.id)],
        can_sign=bool(_signing_organizations(instance, principal)),
    )


@router.get(PAGE + "/nouvelle", response_class=HTMLResponse)
def new_agreement_form(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> Response:
    return _form(request, instance, _signer(instance, principal), {}, None)


@router.post(PAGE + "/nouvelle", response_class=HTMLResponse)
async def new_agreement(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> Response:
    principal = _signer(instance, principal)
    posted = await request.form(max_files=0, max_fields=200)
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "datasets"}
    datasets = [v for v in posted.getlist("datasets") if isinstance(v, str)]
    try:
        obligations = _obligations(values)
        agreement = add_agreement(
            instance,
            principal,
            values.get("slug", "").strip(),
            title=values.get("title", ""),
            organization=values.get("organization", ""),
            partner=values.get("partner", ""),
            datasets=datasets,
            starts_on=_day(values.get("starts_on"), "Date de début"),
            ends_on=_day(values.get("ends_on"), "Date de fin"),
            purpose=values.get("purpose"),
            legal_basis=values.get("legal_basis"),
            hosting=values.get("hosting"),
            obligations=obligations,
        )
    except SocleError as exc:
        if exc.status >= 500:
            raise
        values["datasets"] = ",".join(datasets)
        return _form(request, instance, principal, values, exc.message, status=400)
    flash(request, f"Convention « {agreement.title} » signée.")
    return RedirectResponse(f"{PAGE}/{agreement.slug}", status_code=303)


@router.get(PAGE + "/{slug}", response_class=HTMLResponse)
def agreement_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep
) -> Response:
    return _agreement(request, instance, principal, slug)


@router.post(PAGE + "/{slug}/obligations/{obligation_id}/livraisons", response_class=HTMLResponse)
async def upload_delivery(
    request: Request,
    slug: str,
    obligation_id: str,
    instance: InstanceDep,
    principal: PrincipalDep,
) -> Response:
    posted = await request.form(max_files=1, max_fields=5)  # already read by the CSRF check
    try:
        check_deliverer(instance, _signed_in(principal), slug, obligation_id)
        upload = posted.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError("Choisissez le fichier à livrer")
        with tempfile.TemporaryDirectory(prefix="socle-delivery-") as folder:
            path = await save_upload(upload, Path(folder), MAX_UPLOAD_BYTES)
            delivery, version = deliver(instance, principal, slug, obligation_id, path)
    except (InputError, LimitExceededError, ConflictError) as exc:
        return _agreement(request, instance, principal, slug, error=exc.message, status=exc.status)
    finally:
        await posted.close()
    result = "conforme" if delivery.valid else "NON conforme à son schéma"
    flash(
        request,
        f"Livraison enregistrée : version {version.number} de « {version.source_name} », {result}.",
    )
    return RedirectResponse(f"{PAGE}/{slug}", status_code=303)


@router.post(PAGE + "/{slug}/obligations", response_class=HTMLResponse)
async def new_obligation(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep
) -> Response:
    posted = await request.form(max_files=0, max_fields=20)
    values = {k: v for k, v in posted.items() if isinstance(v, str)}
    try:
        terms = _obligations(values)
        if not terms:
            raise InputError("Choisissez le jeu de données que le partenaire doit livrer")
        add_obligation(instance, principal, slug, terms[0])
    except (InputError, ConflictError) as exc:
        return _agreement(
            request, instance, principal, slug, error=exc.message, status=400, values=values
        )
    flash(request, "Livraison attendue ajoutée à la convention.")
    return RedirectResponse(f"{PAGE}/{slug}", status_code=303)


@router.get("/organisations/{slug}/livraisons", response_class=HTMLResponse)
def board_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep
) -> Response:
    rows = board(instance, principal, slug)
    return render(
        request,
        "deliveries_board.html",
        headers=NO_STORE,
        org=get_organization(instance, slug),
        rows=[obligation_view(r) for r in rows],
    )


def _agreement(
    request: Request,
    instance: Instance,
    principal: Principal,
    slug: str,
    *,
    error: str | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    found = get_agreement(instance, principal, slug)
    manager = manages(principal, found)
    options = _options(instance, principal, [found.organization_id]) if manager else {}
    return render(
        request,
        "agreement.html",
        status=status,
        headers=NO_STORE,
        agreement=agreement_view(found, principal, obligations_for(instance, found)),
        partner_member=is_partner_member(principal, found),
        owner_follows=follows_organization(principal, found.organization_id),
        flash=take_flash(request),
        error=error,
        max_upload_mb=MAX_UPLOAD_BYTES >> 20,
        manager=manager,
        values=values or {},
        **options,
    )


def _form(
    request: Request,
    instance: Instance,
    principal: Principal,
    values: dict[str, str],
    error: str | None,
    status: int = 200,
) -> HTMLResponse:
    organizations = [org for org, _ in list_organizations(instance, ADMIN)]
    signing = _signing_organizations(instance, principal)
    options = _options(instance, principal, [o.id for o in signing])
    names = {o.id: o.slug for o in organizations}
    return render(
        request,
        "agreement_form.html",
        status=status,
        headers=NO_STORE,
        values=values,
        chosen=set(values.get("datasets", "").split(",")),
        error=error,
        signing=[(o.slug, o.name) for o in signing],
        organizations=[(o.slug, o.name) for o in organizations],
        datasets=[
            (d.slug, d.title, names.get(d.organization_id or "", "")) for d in options["writable"]
        ],
        **options,
    )


def _options(
    instance: Instance, principal: Principal, organization_ids: list[str]
) -> dict[str, Any]:
    """What an obligation's fields offer: the organizations' datasets ``principal`` may
    edit, the registered schemas, the frequencies a delivery can be due at."""
    with instance.db.session() as session:
        writable = [
            d
            for d in session.scalars(
                select(Dataset)
                .where(Dataset.organization_id.in_(organization_ids))
                .order_by(Dataset.slug)
            )
            if decide(principal, Action.WRITE, d).allowed
        ]
    return {
        "writable": writable,
        "dataset_options": [(d.slug, d.title) for d in writable],
        "schemas": [(f"{s.name}@{s.version}",) * 2 for s in list_schemas(instance)],
        "frequencies": {code: FREQUENCIES[code] for code in PERIODS},
    }


def _signer(instance: Instance, principal: Principal) -> Principal:
    """The caller, if they sign agreements for some organization; the form does not exist
    for anyone else."""
    if not _signing_organizations(instance, principal):
        raise NotFoundError("Cette adresse n'existe pas")
    return principal


def _signing_organizations(instance: Instance, principal: Principal) -> list[Organization]:
    organizations = [org for org, _ in list_organizations(instance, ADMIN)]
    if principal.is_admin:
        return organizations
    ids = set(organizations_where(principal, SIGNERS))
    return [org for org in organizations if org.id in ids]


def _obligations(values: dict[str, str]) -> list[ObligationTerms]:
    """The form's one obligation, when a dataset to deliver is chosen."""
    dataset = values.get("obligation_dataset", "").strip()
    if not dataset:
        return []
    first_due = _day(values.get("first_due_on"), "Première échéance")
    if first_due is None:
        raise InputError("Indiquez la première échéance de la livraison")
    return [
        ObligationTerms(
            dataset,
            values.get("frequency", ""),
            first_due,
            values.get("obligation_schema") or None,
            values.get("obligation_description"),
        )
    ]


def _day(value: str | None, label: str) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{label} : date « {value} » invalide (AAAA-MM-JJ)") from None
