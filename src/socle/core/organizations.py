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
SIRET = re.compile(r"^\d{14}$")


def normalize_siret(value: str) -> str:
    """14 digits, spaces and dots dropped (« 110 020 013 00097 » as ProConnect shows it)."""
    siret = re.sub(r"[\s.]", "", value)
    if not SIRET.fullmatch(siret):
        raise InputError(f"SIRET « {value} » invalide : 14 chiffres attendus")
    return siret


def create_organization(
    instance: Instance,
    slug: str,
    name: str,
    *,
    siren: str | None = None,
    siret: str | None = None,
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
    if siret is not None:
        siret = normalize_siret(siret)
        if siren is not None and not siret.startswith(siren):
            raise InputError(f"Le SIRET {siret} n'est pas un établissement du SIREN {siren}")
    with instance.db.session() as session:
        if session.scalar(select(Organization).where(Organization.slug == slug)):
            raise ConflictError(f"L'organisation « {slug} » existe déjà")
        if siret and session.scalar(select(Organization.slug).where(Organization.siret == siret)):
            raise ConflictError(f"Une organisation a déjà le SIRET {siret}")
        org = Organization(
            slug=slug,
            name=name.strip(),
            siren=siren,
            siret=siret,
            kind=kind,
            description=description,
            website=website,
        )
        session.add(org)
        details = {"organization": slug, "siret": siret} if siret else {"organization": slug}
        audit.log(session, principal, "write/organization", details=details)
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
