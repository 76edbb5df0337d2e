"""Organizations (tenants): creation and look-up."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from socle.core.metadata import check_slug
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance import audit
from socle.governance.policy import ADMIN, Principal, visible_clause
from socle.instance import Instance
from socle.storage.tables import Dataset, Organization

SIREN = re.compile(r"^\d{9}$")


def create_organization(
    instance: Instance,
    slug: str,
    name: str,
    *,
    siren: str | None = None,
    kind: str | None = None,
    description: str = "",
    website: str | None = None,
    principal: Principal = ADMIN,
) -> Organization:
    """A new organization; only the instance administrator creates them today (the CLI)."""
    check_slug(slug)
    if not name.strip():
        raise InputError("Le nom de l'organisation ne peut pas être vide")
    if siren is not None and not SIREN.fullmatch(siren):
        raise InputError(f"SIREN « {siren} » invalide : 9 chiffres attendus")
    with instance.db.session() as session:
        if session.scalar(select(Organization).where(Organization.slug == slug)):
            raise ConflictError(f"L'organisation « {slug} » existe déjà")
        org = Organization(
            slug=slug,
            name=name.strip(),
            siren=siren,
            kind=kind,
            description=description,
            website=website,
        )
        session.add(org)
        audit.log(session, principal, "write/organization", details={"organization": slug})
    return org


def get_organization(instance: Instance, slug: str) -> Organization:
    with instance.db.session() as session:
        org = session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFoundError(f"Organisation « {slug} » introuvable")
    return org


def list_organizations(instance: Instance, principal: Principal) -> list[tuple[Organization, int]]:
    """Organizations with the number of datasets ``principal`` may see in each."""
    counts = (
        select(Dataset.organization_id, func.count().label("n"))
        .where(visible_clause(principal))
        .group_by(Dataset.organization_id)
        .subquery()
    )
    query = (
        select(Organization, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.organization_id == Organization.id)
        .order_by(Organization.name)
    )
    with instance.db.session() as session:
        return [(org, int(n)) for org, n in session.execute(query).all()]
