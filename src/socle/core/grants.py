"""Grants: a dataset shared with a named user (``restricted`` level) or with another
organization (mutualisation between tenants), until revoked."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from socle.core.organizations import get_organization
from socle.core.shares import check_restriction, find_dataset
from socle.core.users import get_user
from socle.errors import InputError, NotFoundError
from socle.governance.policy import Action, Principal, decide, require
from socle.instance import Instance
from socle.storage.tables import Dataset, Grant


def add_grant(
    instance: Instance,
    principal: Principal,
    slug: str,
    *,
    email: str | None = None,
    organization: str | None = None,
    columns: list[str] | None = None,
    rows: str | None = None,
) -> Grant:
    """Share ``slug`` with one user or one organization, whoever may edit the dataset."""
    if (email is None) == (organization is None):
        raise InputError("Indiquez soit un utilisateur (--user), soit une organisation (--org)")
    user = get_user(instance, email) if email else None
    org = get_organization(instance, organization) if organization else None
    with instance.db.session() as session:
        dataset = find_dataset(session, slug)
        require(principal, Action.WRITE, dataset)
        columns, rows = check_restriction(session, dataset, columns, rows)
        grant = Grant(
            dataset_id=dataset.id,
            user_id=user.id if user else None,
            organization_id=org.id if org else None,
            columns=columns,
            rows=rows,
            created_by=principal.name,
        )
        session.add(grant)
    return grant


def revoke_grant(instance: Instance, principal: Principal, grant_id: str) -> Grant:
    with instance.db.session() as session:
        grant = session.get(Grant, grant_id)
        if grant is None or grant.revoked_at is not None:
            raise NotFoundError(f"Partage « {grant_id} » introuvable ou déjà révoqué")
        require(principal, Action.WRITE, session.get_one(Dataset, grant.dataset_id))
        grant.revoked_at = datetime.now(UTC)
    return grant


def list_grants(instance: Instance, principal: Principal, slug: str | None = None) -> list[Grant]:
    """Grants in force on the datasets ``principal`` may edit (one dataset's if ``slug``)."""
    query = (
        select(Grant)
        .where(Grant.revoked_at.is_(None))
        .options(
            selectinload(Grant.dataset), selectinload(Grant.user), selectinload(Grant.organization)
        )
        .order_by(Grant.created_at)
    )
    with instance.db.session() as session:
        if slug is not None:
            query = query.where(Grant.dataset_id == find_dataset(session, slug).id)
        grants = session.scalars(query).all()
        return [g for g in grants if decide(principal, Action.WRITE, g.dataset).allowed]
