"""Partners' deliveries: a member of the partner organization uploads a file for one of its
obligations; it becomes a new version of the target dataset (validated against the
obligation's schema like any version) and is recorded with who, when, and the result.

The board tells the owning organization, per obligation, where things stand:

- ``invalid``: the latest delivered version fails its schema (the partner must deliver again);
- ``missing``: a due date has passed with no valid delivery answering it;
- ``late``: the latest valid delivery came after the due date it answers;
- ``on_time``: the latest valid delivery came by its due date;
- ``pending``: nothing delivered yet, and the first due date has not come.

Each valid delivery answers the next unanswered due date, so a partner delivering early
answers the coming one; an invalid delivery answers none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from socle.core.agreements import active_on, find_agreement, follows_organization
from socle.core.agreements import is_partner_member as partner_member
from socle.core.obligations import due_date
from socle.core.organizations import get_organization
from socle.core.versions import add_version
from socle.errors import ConflictError, ForbiddenError, NotFoundError, SocleError
from socle.governance.audit import append, log, occurrence
from socle.governance.identity import Scope, TokenGrant
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.deliveries import Delivery, Obligation
from socle.storage.tables import Agreement, Version, as_utc, utcnow

STATUSES = ("on_time", "late", "invalid", "missing", "pending")
STATUS_LABELS_FR = {
    "on_time": "à l'heure",
    "late": "en retard",
    "invalid": "invalide",
    "missing": "manquante",
    "pending": "à venir",
}
# Largest file a delivery may send through the API (the portal's forms have their own bound).
MAX_DELIVERY_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class BoardRow:
    """Where one obligation stands today."""

    obligation: Obligation
    status: str
    next_due_on: date | None  # None: nothing more is due under the agreement
    latest: Delivery | None


def deliver(
    instance: Instance,
    principal: Principal,
    agreement_slug: str,
    obligation_id: str,
    path: Path,
    *,
    now: datetime | None = None,
) -> tuple[Delivery, Version]:
    """Deliver ``path`` for an obligation of an active agreement binding ``principal``'s
    partner organization; anyone else is told the obligation does not exist. ``now`` is
    the moment of delivery (the clock's by default)."""
    now = now or utcnow()
    today = _day(now)
    with instance.db.session() as session:
        agreement = find_agreement(session, agreement_slug)
        obligation = _deliverable(instance, session, principal, agreement, obligation_id)
        if not active_on(agreement, today):
            raise ConflictError(f"La convention « {agreement.slug} » n'est pas active")
        answered = _valid_count(session, obligation.id)
        due_on = due_date(obligation, answered, agreement.ends_on)
        target, schema = obligation.dataset, obligation.schema
    version = add_version(
        instance,
        _deliverer(principal, target.id, target.organization_id),
        path,
        target.slug,
        schema=f"{schema.name}@{schema.version}" if schema else None,
    )
    summary = version.quality or {}
    delivery = Delivery(
        obligation_id=obligation.id,
        version_id=version.id,
        delivered_by=principal.name,
        user_id=principal.user_id,
        delivered_at=now,
        due_on=due_on,
        valid=summary.get("valid") is not False,
        validation={"schema": summary.get("schema"), "errors": summary.get("errors")},
    )
    with instance.db.session() as session:
        session.add(delivery)
        details = {
            "agreement": agreement.slug,
            "obligation": obligation.id,
            "dataset": target.slug,
            "version": version.number,
            "valid": delivery.valid,
            "due_on": due_on.isoformat() if due_on else None,
        }
        log(session, principal, "write/delivery", details=details)
    delivery.version = version
    return delivery, version


def board(
    instance: Instance, principal: Principal, organization: str, *, today: date | None = None
) -> list[BoardRow]:
    """Every obligation of the organization's agreements and where it stands; the board
    exists only for the organization's admin, data officer and stewards."""
    org = get_organization(instance, organization)
    if not follows_organization(principal, org.id):
        raise NotFoundError(f"Organisation « {organization} » introuvable")
    today = today or date.today()
    with instance.db.session() as session:
        obligations = session.scalars(
            _loaded()
            .join(Agreement, Agreement.id == Obligation.agreement_id)
            .where(Agreement.organization_id == org.id)
            .order_by(Agreement.slug, Obligation.created_at)
        ).all()
        return [standing(o, today) for o in obligations]


def obligations_for(
    instance: Instance, agreement: Agreement, *, today: date | None = None
) -> list[BoardRow]:
    """The obligations of one agreement (already checked visible) and where they stand."""
    today = today or date.today()
    with instance.db.session() as session:
        found = session.scalars(
            _loaded().where(Obligation.agreement_id == agreement.id).order_by(Obligation.created_at)
        ).all()
        return [standing(o, today) for o in found]


def standing(obligation: Obligation, today: date) -> BoardRow:
    """Where ``obligation`` (with its agreement and deliveries loaded) stands on ``today``."""
    deliveries = obligation.deliveries
    answered = sum(1 for d in deliveries if d.valid)
    next_due = due_date(obligation, answered, obligation.agreement.ends_on)
    latest = deliveries[-1] if deliveries else None
    latest_valid = next((d for d in reversed(deliveries) if d.valid), None)
    if latest is not None and not latest.valid:
        status = "invalid"
    elif next_due is not None and next_due < today:
        status = "missing"
    elif latest_valid is None:
        status = "pending"
    elif latest_valid.due_on is not None and _day(latest_valid.delivered_at) > latest_valid.due_on:
        status = "late"
    else:
        status = "on_time"
    return BoardRow(obligation, status, next_due, latest)


def _deliverer(principal: Principal, dataset_id: str, organization_id: str | None) -> Principal:
    """The partner's member, acting for this delivery only: the power to add a version,
    confined (as an API token confines it) to the one target dataset."""
    token_id = principal.token.token_id if principal.token else "livraison"
    grant = TokenGrant(
        token_id, Scope.WRITE, dataset_id=dataset_id, organization_id=organization_id
    )
    return replace(principal, is_admin=True, token=grant)


def check_deliverer(
    instance: Instance, principal: Principal, agreement_slug: str, obligation_id: str
) -> None:
    """Fail before an upload is read when ``principal`` could not deliver it anyway."""
    with instance.db.session() as session:
        agreement = find_agreement(session, agreement_slug)
        _deliverable(instance, session, principal, agreement, obligation_id)


def _deliverable(
    instance: Instance,
    session: Session,
    principal: Principal,
    agreement: Agreement,
    obligation_id: str,
) -> Obligation:
    """The obligation, if ``principal`` is a member of the partner (404 otherwise) whose
    API token, if any, may write (403 otherwise); a refusal is logged."""
    obligation = session.scalar(
        _loaded().where(Obligation.id == obligation_id, Obligation.agreement_id == agreement.id)
    )
    if obligation is None:
        raise NotFoundError(f"Obligation « {obligation_id} » introuvable")
    refusal: SocleError | None = None
    if not partner_member(principal, agreement):
        refusal = NotFoundError(f"Obligation « {obligation_id} » introuvable")
    elif principal.token is not None and principal.token.scope is Scope.READ:
        refusal = ForbiddenError("Ce jeton d'API ne permet que la lecture")
    if refusal is not None:
        details = {"agreement": agreement.slug, "obligation": obligation.id}
        with instance.db.session() as own:
            append(own, occurrence(principal, "write/delivery", allowed=False, details=details))
        raise refusal
    return obligation


def _valid_count(session: Session, obligation_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.obligation_id == obligation_id, Delivery.valid.is_(True))
        )
        or 0
    )


def _loaded() -> Select[Obligation]:
    return select(Obligation).options(
        selectinload(Obligation.agreement).selectinload(Agreement.partner),
        selectinload(Obligation.dataset),
        selectinload(Obligation.schema),
        selectinload(Obligation.deliveries).selectinload(Delivery.version),
    )


def _day(moment: datetime) -> date:
    return as_utc(moment).date()
