"""Notifications: what a dataset's organization should hear about (a proposal, a comment, a
request addressed to it). Recorded here at each contribution and delivered to an inbox: the
dataset's steward (référent data) and the organization's administrators and data officers
read theirs on « Mon compte » or at ``/api/v1/me/notifications``; moderators list them all
with ``socle moderation notifications``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session, selectinload

from socle.errors import NotFoundError
from socle.governance.identity import Role
from socle.governance.policy import Action, Principal, decide, organizations_where
from socle.instance import Instance
from socle.storage.participation import Notification
from socle.storage.tables import Dataset, Organization, utcnow

# Who hears about their organization's contributions, besides each dataset's steward.
RECIPIENT_ROLES = frozenset({Role.ADMIN, Role.DATA_OFFICER})


def notify(
    session: Session,
    event: str,
    subject_kind: str,
    subject_id: str,
    message: str,
    *,
    dataset: Dataset | None = None,
    organization: Organization | None = None,
) -> None:
    """Record one notification, for the dataset's organization unless one is given."""
    org = organization or (dataset.organization if dataset is not None else None)
    session.add(
        Notification(
            event=event,
            subject_kind=subject_kind,
            subject_id=subject_id,
            message=message[:500],
            dataset_id=dataset.id if dataset is not None else None,
            organization_id=org.id if org is not None else None,
        )
    )


@dataclass
class NotificationRow:
    id: str
    created_at: datetime
    event: str
    subject_kind: str
    subject_id: str
    message: str
    dataset: str | None
    organization: str | None
    read_at: datetime | None


def list_notifications(
    instance: Instance, *, organization: str | None = None, limit: int = 100
) -> list[NotificationRow]:
    """The newest notifications, for one organization (by slug) or all of them."""
    query = (
        select(Notification)
        .options(selectinload(Notification.dataset), selectinload(Notification.organization))
        .order_by(Notification.created_at.desc())
        .limit(limit)
    )
    if organization is not None:
        query = query.join(Notification.organization).where(Organization.slug == organization)
    with instance.db.session() as session:
        return [_row(n) for n in session.scalars(query)]


def inbox(
    instance: Instance, principal: Principal, *, unread_only: bool = False, limit: int = 50
) -> list[NotificationRow]:
    """The caller's notifications, newest first: those of the datasets they steward and, for
    administrators and data officers, those of their organizations — never one about a
    dataset the caller may not read."""
    query = (
        select(Notification)
        .outerjoin(Notification.dataset)
        .options(selectinload(Notification.dataset), selectinload(Notification.organization))
        .where(_addressed_to(principal))
        .order_by(Notification.created_at.desc())
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    found: list[NotificationRow] = []
    with instance.db.session() as session:
        for notification in session.scalars(query):
            if _readable(principal, notification):
                found.append(_row(notification))
                if len(found) == limit:
                    break
    return found


def mark_read(instance: Instance, principal: Principal, notification_id: str) -> NotificationRow:
    """Mark one notification of the caller's inbox read (for every recipient: it is the
    organization's, and one person handling it is enough)."""
    with instance.db.session() as session:
        notification = session.scalars(
            select(Notification)
            .outerjoin(Notification.dataset)
            .options(selectinload(Notification.dataset), selectinload(Notification.organization))
            .where(Notification.id == notification_id, _addressed_to(principal))
        ).first()
        if notification is None or not _readable(principal, notification):
            raise NotFoundError(f"Notification « {notification_id} » introuvable")
        if notification.read_at is None:
            notification.read_at = utcnow()
        return _row(notification)


def _addressed_to(principal: Principal) -> ColumnElement[bool]:
    """SQL: the notifications ``principal`` receives (none for anonymous callers)."""
    if principal.user_id is None:
        return false()
    organizations = organizations_where(principal, RECIPIENT_ROLES)
    return or_(
        Dataset.steward_id == principal.user_id,
        Notification.organization_id.in_(organizations),
    )


def _readable(principal: Principal, notification: Notification) -> bool:
    dataset = notification.dataset
    return dataset is None or decide(principal, Action.READ, dataset).allowed


def _row(n: Notification) -> NotificationRow:
    return NotificationRow(
        n.id,
        n.created_at,
        n.event,
        n.subject_kind,
        n.subject_id,
        n.message,
        n.dataset.slug if n.dataset else None,
        n.organization.slug if n.organization else None,
        n.read_at,
    )
