"""Notifications: what a dataset's organization should hear about (a proposal, a comment, a
request addressed to it). Recorded here at each contribution; read with
``socle moderation notifications`` until accounts deliver them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socle.instance import Instance
from socle.storage.participation import Notification
from socle.storage.tables import Dataset, Organization


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
    created_at: datetime
    event: str
    subject_kind: str
    subject_id: str
    message: str
    dataset: str | None
    organization: str | None


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
        return [
            NotificationRow(
                n.created_at,
                n.event,
                n.subject_kind,
                n.subject_id,
                n.message,
                n.dataset.slug if n.dataset else None,
                n.organization.slug if n.organization else None,
            )
            for n in session.scalars(query)
        ]
