"""Data-sharing agreements (conventions de partage) between an owning organization and a
partner organization. While active and within their dates, they open the covered datasets
whose level is ``partners`` to the partner's members, within their column/row restrictions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from socle.core.metadata import check_slug
from socle.core.obligations import ObligationTerms, new_obligation
from socle.core.organizations import get_organization
from socle.core.shares import check_restriction, find_dataset
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.audit import log
from socle.governance.identity import Role
from socle.governance.policy import Action, Principal, acts_for, decide, require, roles_in
from socle.instance import Instance
from socle.storage.deliveries import Obligation
from socle.storage.tables import Agreement, AgreementDataset, Organization

STATUSES = ("active", "suspended", "ended")
STATUS_LABELS_FR = {"active": "active", "suspended": "suspendue", "ended": "terminée"}
# Roles of the owning organization that follow its agreements and their deliveries.
BOARD_ROLES = frozenset({Role.ADMIN, Role.DATA_OFFICER, Role.STEWARD})
MAX_CLAUSE = 5000


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
    purpose: str | None = None,
    legal_basis: str | None = None,
    hosting: str | None = None,
    obligations: Sequence[ObligationTerms] = (),
) -> Agreement:
    """An active agreement covering ``datasets`` of ``organization``, each with the same
    column/row restrictions, and its clauses as written (purpose, legal basis, hosting and
    sovereignty), and the partner's ``obligations``, all in one transaction. Whoever may
    edit every covered dataset (and every delivered one) may sign it."""
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
            purpose=_clause(purpose, "objet"),
            legal_basis=_clause(legal_basis, "base légale"),
            hosting=_clause(hosting, "hébergement et souveraineté"),
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
        log(session, principal, "write/agreement", details=_audit_details(agreement, owner, other))
        session.flush()
        for terms in obligations:
            new_obligation(instance, session, principal, agreement, terms)
    return agreement


def add_obligation(
    instance: Instance, principal: Principal, agreement_slug: str, terms: ObligationTerms
) -> Obligation:
    """A new obligation of the partner under an agreement ``principal`` manages."""
    with instance.db.session() as session:
        agreement = find_managed(session, agreement_slug, principal)
        obligation = new_obligation(instance, session, principal, agreement, terms)
        session.flush()
    return obligation


def set_status(instance: Instance, principal: Principal, slug: str, status: str) -> Agreement:
    """Suspend, end or reactivate an agreement (an ended one stays ended)."""
    if status not in STATUSES:
        raise InputError(f"Statut « {status} » inconnu ; statuts possibles : {STATUSES}")
    with instance.db.session() as session:
        agreement = find_managed(session, slug, principal)
        if agreement.status == "ended" and status != "ended":
            raise ConflictError(f"La convention « {slug} » est terminée")
        agreement.status = status
        if status == "ended" and (agreement.ends_on is None or agreement.ends_on > date.today()):
            agreement.ends_on = date.today()
        details = {"agreement": slug, "status": status}
        log(session, principal, "write/agreement-status", details=details)
    return agreement


def list_agreements(instance: Instance, principal: Principal) -> list[Agreement]:
    """The agreements whose covered datasets ``principal`` may all edit."""
    with instance.db.session() as session:
        found = session.scalars(_loaded().order_by(Agreement.slug)).all()
        return [a for a in found if manages(principal, a)]


def visible_agreements(instance: Instance, principal: Principal) -> list[Agreement]:
    """The agreements ``principal`` follows: those they manage, those of an organization
    where they hold a board role, and those binding a partner they are a member of."""
    with instance.db.session() as session:
        found = session.scalars(_loaded().order_by(Agreement.slug)).all()
        return [a for a in found if _sees(principal, a)]


def get_agreement(instance: Instance, principal: Principal, slug: str) -> Agreement:
    """One agreement ``principal`` follows; any other is missing (404)."""
    with instance.db.session() as session:
        agreement = find_agreement(session, slug)
        if not _sees(principal, agreement):
            raise NotFoundError(f"Convention « {slug} » introuvable")
        return agreement


def find_agreement(session: Session, slug: str) -> Agreement:
    """The agreement named ``slug``, whoever asks: callers decide who may see it."""
    agreement = session.scalar(_loaded().where(Agreement.slug == slug))
    if agreement is None:
        raise NotFoundError(f"Convention « {slug} » introuvable")
    return agreement


def is_partner_member(principal: Principal, agreement: Agreement) -> bool:
    """Whether ``principal`` belongs to the agreement's partner organization (any role)."""
    return bool(roles_in(principal, agreement.partner_id))


def follows_organization(principal: Principal, organization_id: str) -> bool:
    """Whether ``principal`` follows the organization's agreements and deliveries board."""
    return acts_for(principal, organization_id, BOARD_ROLES)


def active_on(agreement: Agreement, day: date) -> bool:
    """Active and within its dates on ``day``."""
    return (
        agreement.status == "active"
        and agreement.starts_on <= day
        and (agreement.ends_on is None or day <= agreement.ends_on)
    )


def _sees(principal: Principal, agreement: Agreement) -> bool:
    return (
        follows_organization(principal, agreement.organization_id)
        or is_partner_member(principal, agreement)
        or manages(principal, agreement)
    )


def _clause(text: str | None, name: str) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_CLAUSE:
        raise InputError(f"Clause « {name} » trop longue ({MAX_CLAUSE} caractères au plus)")
    return text or None


def _audit_details(
    agreement: Agreement, owner: Organization, other: Organization
) -> dict[str, object]:
    return {
        "agreement": agreement.slug,
        "organization": owner.slug,
        "partner": other.slug,
        "datasets": [c.dataset_id for c in agreement.datasets],
    }


def _loaded() -> Select[Agreement]:
    return select(Agreement).options(
        selectinload(Agreement.organization),
        selectinload(Agreement.partner),
        selectinload(Agreement.datasets).selectinload(AgreementDataset.dataset),
    )


def manages(principal: Principal, agreement: Agreement) -> bool:
    """Whether ``principal`` may edit every covered dataset, hence change the agreement."""
    return all(decide(principal, Action.WRITE, c.dataset).allowed for c in agreement.datasets)


def find_managed(session: Session, slug: str, principal: Principal) -> Agreement:
    agreement = session.scalar(_loaded().where(Agreement.slug == slug))
    if agreement is None or not manages(principal, agreement):
        raise NotFoundError(f"Convention « {slug} » introuvable")
    return agreement
