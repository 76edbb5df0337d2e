"""Dataset requests (« je cherche une donnée »): asked by anyone, published once moderated,
answered and closed by the authority.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from socle.core.participation.fields import Problems
from socle.core.participation.moderation import (
    PUBLISHED,
    Status,
    find,
    mark,
    require_moderator,
)
from socle.core.participation.notifications import notify
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.participation import DataRequest
from socle.storage.tables import Dataset, Organization

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_ANSWER = 4000


def create_request(
    instance: Instance,
    principal: Principal,
    *,
    title: str | None,
    description: str | None,
    organization: str | None = None,
    contact_email: str | None = None,
) -> DataRequest:
    """Record a pending request and tell the organization asked (if any)."""
    problems = Problems()
    title = problems.text("title", title, "Titre", MAX_TITLE)
    description = problems.text(
        "description", description, "Description", MAX_DESCRIPTION, multiline=True
    )
    email = problems.email("contact_email", contact_email, "Adresse électronique")
    with instance.db.session() as session:
        org = None
        if organization:
            org = session.scalar(select(Organization).where(Organization.slug == organization))
            if org is None:
                problems.add("organization", f"Organisation : « {organization} » introuvable")
        problems.raise_if_any()
        request = DataRequest(
            title=title, description=description, organization=org, contact_email=email
        )
        session.add(request)
        session.flush()
        notify(
            session,
            "request_created",
            "request",
            request.id,
            f"Demande de données : {title}",
            organization=org,
        )
    return request


def list_requests(
    instance: Instance,
    principal: Principal,
    *,
    status: Status | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[int, list[DataRequest]]:
    """Published requests (open, answered, closed), newest first."""
    if status is not None and status not in PUBLISHED - {Status.APPROVED}:
        raise InputError("Statut inconnu : ouverte (open), répondue (answered) ou fermée (closed)")
    wanted = [status.value] if status else [Status.OPEN, Status.ANSWERED, Status.CLOSED]
    query = select(DataRequest).where(DataRequest.status.in_(wanted))
    with instance.db.session() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.options(
                selectinload(DataRequest.organization), selectinload(DataRequest.answer_dataset)
            )
            .order_by(DataRequest.created_at.desc(), DataRequest.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        return total, list(rows)


def get_request(instance: Instance, principal: Principal, request_id: str) -> DataRequest:
    with instance.db.session() as session:
        request = session.scalar(
            select(DataRequest)
            .options(
                selectinload(DataRequest.organization), selectinload(DataRequest.answer_dataset)
            )
            .where(DataRequest.id == request_id)
        )
        if request is None or request.status not in (Status.OPEN, Status.ANSWERED, Status.CLOSED):
            raise NotFoundError("Demande introuvable")
        return request


def answer_request(
    instance: Instance, principal: Principal, ident: str, text: str, dataset: str | None = None
) -> DataRequest:
    """The authority's answer, published at once (a pending request is approved with it)."""
    require_moderator(principal)
    problems = Problems()
    answer = problems.text("answer", text, "Réponse", MAX_ANSWER, multiline=True)
    problems.raise_if_any()
    with instance.db.session() as session:
        _, row = find(session, ident)
        if not isinstance(row, DataRequest):
            raise InputError(f"« {ident} » n'est pas une demande de données")
        if row.status in (Status.REJECTED, Status.CLOSED):
            raise ConflictError("Cette demande est refusée ou fermée : plus de réponse possible")
        if dataset:
            found = session.scalar(select(Dataset).where(Dataset.slug == dataset))
            if found is None:
                raise NotFoundError(f"Jeu de données « {dataset} » introuvable")
            row.answer_dataset = found
        row.answer = answer
        row.answered_at = datetime.now(UTC)
        mark(row, principal, Status.ANSWERED)
        return row


def close_request(
    instance: Instance, principal: Principal, ident: str, reason: str | None = None
) -> DataRequest:
    """Close a published request: it stays listed, as « fermée »."""
    require_moderator(principal)
    with instance.db.session() as session:
        _, row = find(session, ident)
        if not isinstance(row, DataRequest):
            raise InputError(f"« {ident} » n'est pas une demande de données")
        if row.status not in (Status.OPEN, Status.ANSWERED):
            raise ConflictError("Seule une demande publiée (ouverte ou répondue) peut être fermée")
        mark(row, principal, Status.CLOSED, reason)
        return row
