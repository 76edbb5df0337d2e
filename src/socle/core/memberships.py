"""Memberships: a user's role in an organization (one role per user and organization)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from socle.core.organizations import get_organization
from socle.core.users import get_user
from socle.errors import InputError, NotFoundError
from socle.governance.identity import Role
from socle.instance import Instance
from socle.storage.tables import Membership, Organization, User


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InputError(f"Rôle « {value} » inconnu ; rôles possibles : {known}") from None


def set_membership(instance: Instance, org_slug: str, email: str, role: str) -> bool:
    """Make the user a member with ``role``; True if added, False if an existing role changed."""
    parsed = parse_role(role)
    with instance.db.session() as session:
        org, user = _org_and_user(instance, org_slug, email)
        membership = session.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.organization_id == org.id
            )
        )
        if membership is not None:
            membership.role = parsed.value
            return False
        session.add(Membership(user_id=user.id, organization_id=org.id, role=parsed.value))
    return True


def remove_membership(instance: Instance, org_slug: str, email: str) -> None:
    with instance.db.session() as session:
        org, user = _org_and_user(instance, org_slug, email)
        membership = session.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.organization_id == org.id
            )
        )
        if membership is None:
            raise NotFoundError(f"« {user.email} » n'est pas membre de « {org.slug} »")
        session.delete(membership)


def list_members(instance: Instance, org_slug: str) -> list[Membership]:
    """The organization's members, each with their account loaded."""
    with instance.db.session() as session:
        org = get_organization(instance, org_slug)
        query = (
            select(Membership)
            .join(User)
            .where(Membership.organization_id == org.id)
            .options(selectinload(Membership.user))
            .order_by(User.email)
        )
        return list(session.scalars(query))


def _org_and_user(instance: Instance, org_slug: str, email: str) -> tuple[Organization, User]:
    return get_organization(instance, org_slug), get_user(instance, email)
