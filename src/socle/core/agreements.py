"""Data-sharing agreements (conventions de partage) between an owning organization and a
partner organization. While active and within their dates, they open the covered datasets
whose level is ``partners`` to the partner's members, within their column/row restrictions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from socle.core.metadata import check_slug
from socle.core.organizations import get_organization
from socle.core.shares import check_restriction, find_dataset
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.policy import Action, Principal, decide, require
from socle.instance import Instance
from socle.storage.tables import Agreement, AgreementDataset

STATUSES = ("active", "suspended", "ended")
STATUS_LABELS_FR = {"active": "active", "suspended": "suspendue", "ended": "terminée"}


def add_agreement(
    instance: Instance,
    principal: Principal,
    slug: str,
    *,
    title: str,
    organization: str,
    partner: str,
    datasets: list[str],
    starts_on: date | None = None,
    ends_on: date | None = None,
    columns: list[str] | None = None,
    rows: str | None = None,
) -> Agreement:
    """An active agreement covering ``datasets`` of ``organization``, each with the same
    column/row restrictions. Whoever may edit every covered dataset may sign it."""
    check_slug(slug)
    if not title.strip():
        raise InputError("Le titre de la convention ne peut pas être vide")
    if not datasets:
        raise InputError("Une convention couvre au moins un jeu de données (--dataset)")
    starts_on = starts_on or date.today()
    if ends_on is not None and ends_on < starts_on:
        raise InputError("La convention se termine avant de commencer")
    owner = get_organization(instance, organization)
    other = get_organization(instance, partner)
    if owner.id == other.id:
        raise InputError("Le partenaire doit être une autre organisation")
    with instance.db.session() as session:
        if session.scalar(select(Agreement.id).where(Agreement.slug == slug)):
            raise ConflictError(f"La convention « {slug} » existe déjà")
        agreement = Agreement(
            slug=slug,
            title=title.strip(),
            organization_id=owner.id,
            partner_id=other.id,
            starts_on=starts_on,
            ends_on=ends_on,
            status="active",
            created_by=principal.name,
        )
        session.add(agreement)
        for dataset_slug in dict.fromkeys(datasets):
            dataset = find_dataset(session, dataset_slug)
            require(principal, Action.WRITE, dataset)
            if dataset.organization_id != owner.id:
                raise InputError(
                    f"« {dataset_slug} » n'appartient pas à l'organisation « {owner.slug} »"
                )
            exposed, where = check_restriction(session, dataset, columns, rows)
            agreement.datasets.append(
                AgreementDataset(dataset_id=dataset.id, columns=exposed, rows=where)
            )
    return agreement


def set_status(instance: Instance, principal: Principal, slug: str, status: str) -> Agreement:
    """Suspend, end or reactivate an agreement (an ended one stays ended)."""
    if status not in STATUSES:
        raise InputError(f"Statut « {status} » inconnu ; statuts possibles : {STATUSES}")
    with instance.db.session() as session:
        agreement = _find(session, slug, principal)
        if agreement.status == "ended" and status != "ended":
            raise ConflictError(f"La convention « {slug} » est terminée")
        agreement.status = status
        if status == "ended" and (agreement.ends_on is None or agreement.ends_on > date.today()):
            agreement.ends_on = date.today()
    return agreement


def list_agreements(instance: Instance, principal: Principal) -> list[Agreement]:
    """The agreements whose covered datasets ``principal`` may all edit."""
    with instance.db.session() as session:
        found = session.scalars(_loaded().order_by(Agreement.slug)).all()
        return [a for a in found if _manages(principal, a)]


def _loaded() -> Select[Agreement]:
    return select(Agreement).options(
        selectinload(Agreement.organization),
        selectinload(Agreement.partner),
        selectinload(Agreement.datasets).selectinload(AgreementDataset.dataset),
    )


def _manages(principal: Principal, agreement: Agreement) -> bool:
    return all(decide(principal, Action.WRITE, c.dataset).allowed for c in agreement.datasets)


def _find(session: Session, slug: str, principal: Principal) -> Agreement:
    agreement = session.scalar(_loaded().where(Agreement.slug == slug))
    if agreement is None or not _manages(principal, agreement):
        raise NotFoundError(f"Convention « {slug} » introuvable")
    return agreement
