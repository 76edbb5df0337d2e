"""Moderation: every contribution waits as ``pending`` until a moderator approves or rejects it.

Today the moderator is the instance administrator (the CLI); accounts will let an
organization's stewards moderate what concerns their datasets, through :func:`can_moderate`.
Items are named by their identifier or a unique prefix of it (8 characters are shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socle.core.participation.images import delete_image
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.participation import Comment, DataRequest, Moderated, Reuse

MIN_PREFIX = 4


class Kind(StrEnum):
    REUSE = "reuse"
    REQUEST = "request"
    COMMENT = "comment"


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # reuses and comments once published
    REJECTED = "rejected"
    OPEN = "open"  # requests once published, until answered
    ANSWERED = "answered"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.PENDING: "en attente de modération",
    Status.APPROVED: "publiée",
    Status.REJECTED: "refusée",
    Status.OPEN: "ouverte",
    Status.ANSWERED: "répondue",
    Status.CLOSED: "fermée",
}
Contribution = Reuse | DataRequest | Comment
MODELS: dict[Kind, type[Contribution]] = {
    Kind.REUSE: Reuse,
    Kind.REQUEST: DataRequest,
    Kind.COMMENT: Comment,
}
KIND_LABELS = {Kind.REUSE: "réutilisation", Kind.REQUEST: "demande", Kind.COMMENT: "commentaire"}
PUBLISHED = {Status.APPROVED, Status.OPEN, Status.ANSWERED, Status.CLOSED}


@dataclass
class Item:
    """One contribution as a moderator sees it (contact e-mail included)."""

    kind: Kind
    id: str
    status: str
    title: str
    about: list[str]  # dataset or organization slugs it concerns
    contact_email: str | None
    created_at: datetime
    reason: str | None


def can_moderate(principal: Principal) -> bool:
    return principal.is_admin


def require_moderator(principal: Principal) -> None:
    if not can_moderate(principal):
        raise NotFoundError("Élément introuvable")


def list_items(
    instance: Instance,
    principal: Principal,
    *,
    kind: Kind | None = None,
    status: Status | None = Status.PENDING,
) -> list[Item]:
    """Contributions, oldest first (the order to moderate them in)."""
    require_moderator(principal)
    items: list[Item] = []
    with instance.db.session() as session:
        for name, model in MODELS.items():
            if kind is not None and name != kind:
                continue
            query = select(model).options(*_loads(model)).order_by(model.created_at)
            if status is not None:
                query = query.where(model.status == status.value)
            items += [_item(name, cast(Contribution, row)) for row in session.scalars(query)]
    return sorted(items, key=lambda i: i.created_at)


def approve(instance: Instance, principal: Principal, ident: str) -> Item:
    """Publish a pending contribution (a request becomes « ouverte »)."""
    require_moderator(principal)
    with instance.db.session() as session:
        kind, row = find(session, ident)
        if row.status != Status.PENDING:
            raise ConflictError(
                f"Élément déjà modéré ({KIND_LABELS[kind]}, "
                f"statut : {STATUS_LABELS[Status(row.status)]})"
            )
        mark(row, principal, Status.OPEN if kind is Kind.REQUEST else Status.APPROVED)
        return _item(kind, row)


def reject(instance: Instance, principal: Principal, ident: str, reason: str | None) -> Item:
    """Refuse a contribution, or withdraw a published one; a reuse's image is deleted."""
    require_moderator(principal)
    with instance.db.session() as session:
        kind, row = find(session, ident)
        if row.status == Status.REJECTED:
            raise ConflictError(f"Élément déjà refusé ({KIND_LABELS[kind]})")
        mark(row, principal, Status.REJECTED, reason)
        if isinstance(row, Reuse):
            delete_image(instance, row.image)
        return _item(kind, row)


def mark(row: Moderated, principal: Principal, status: Status, reason: str | None = None) -> None:
    row.status = status.value
    row.moderated_at = datetime.now(UTC)
    row.moderated_by = principal.name
    if reason is not None:
        row.moderation_reason = reason.strip() or None


def find(session: Session, ident: str) -> tuple[Kind, Contribution]:
    """The contribution named by ``ident`` (an identifier or a unique prefix of one)."""
    ident = ident.strip().lower()
    if len(ident) < MIN_PREFIX:
        raise InputError(f"Identifiant trop court : {MIN_PREFIX} caractères au moins")
    found: list[tuple[Kind, Contribution]] = []
    for name, model in MODELS.items():
        rows = session.scalars(select(model).where(model.id.startswith(ident)).limit(2))
        found += [(name, cast(Contribution, row)) for row in rows]
    if not found:
        raise NotFoundError(f"Contribution « {ident} » introuvable")
    if len(found) > 1:
        raise InputError(f"« {ident} » désigne plusieurs contributions : donnez-en plus")
    return found[0]


def _loads(model: type[Contribution]) -> list[Any]:
    if model is Reuse:
        return [selectinload(Reuse.datasets)]
    if model is DataRequest:
        return [selectinload(DataRequest.organization)]
    return [selectinload(Comment.dataset)]


def _item(kind: Kind, row: Contribution) -> Item:
    if isinstance(row, Reuse):
        title, about = row.title, [d.slug for d in row.datasets]
    elif isinstance(row, DataRequest):
        title, about = row.title, [row.organization.slug] if row.organization else []
    else:
        title, about = row.body[:80], [row.dataset.slug]
    return Item(
        kind,
        row.id,
        row.status,
        title,
        about,
        row.contact_email,
        row.created_at,
        row.moderation_reason,
    )
