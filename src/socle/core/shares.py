"""What agreements and grants share with a user, and the restrictions they may carry.

The policy reads the result (identity.Share) from the principal; it is loaded once per
request, so an agreement suspended or a grant revoked takes effect on the next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Date, bindparam, or_, select
from sqlalchemy.orm import Session

from socle.core.tableschema import field_types
from socle.core.vocabularies import AccessLevel
from socle.engine.compiler import compile_where
from socle.errors import InputError, NotFoundError
from socle.governance.identity import Share
from socle.storage.tables import Agreement, AgreementDataset, Dataset, Grant, Version

ACTIVE = "active"


# Built once, bound per call: every API call with a token reads the shares, and building
# the statements was a third of that (bench/policy.py); columns, not ORM entities, likewise.
_COVERED = (
    select(AgreementDataset.dataset_id, AgreementDataset.columns, AgreementDataset.rows)
    .join(Agreement)
    .where(
        Agreement.partner_id.in_(bindparam("orgs", expanding=True)),
        Agreement.status == ACTIVE,
        Agreement.starts_on <= bindparam("today", type_=Date),
        or_(Agreement.ends_on.is_(None), Agreement.ends_on >= bindparam("today", type_=Date)),
    )
)
_GRANTED = select(Grant.dataset_id, Grant.user_id, Grant.columns, Grant.rows).where(
    Grant.revoked_at.is_(None),
    or_(
        Grant.user_id == bindparam("user_id"),
        Grant.organization_id.in_(bindparam("orgs", expanding=True)),
    ),
)


def shares_for(
    session: Session, user_id: str, organization_ids: Iterable[str], today: date | None = None
) -> tuple[Share, ...]:
    """Datasets shared with the user: by active agreements with their organizations, by
    grants to them or to their organizations (not revoked)."""
    orgs = sorted(set(organization_ids))
    covered = session.execute(_COVERED, {"orgs": orgs, "today": today or date.today()})
    shares = [_share(c.dataset_id, AccessLevel.PARTNERS, c.columns, c.rows) for c in covered]
    for grant in session.execute(_GRANTED, {"orgs": orgs, "user_id": user_id}):
        reach = AccessLevel.RESTRICTED if grant.user_id else AccessLevel.INTERNAL
        shares.append(_share(grant.dataset_id, reach, grant.columns, grant.rows))
    return tuple(shares)


def check_restriction(
    session: Session, dataset: Dataset, columns: list[str] | None, rows: str | None
) -> tuple[list[str] | None, str | None]:
    """Columns that exist and a row filter that compiles on them, against the latest version
    (the where expression may use the exposed columns only, so it cannot reveal the others)."""
    columns = [c.strip() for c in columns if c.strip()] if columns is not None else None
    if columns == []:
        raise InputError("Indiquez au moins une colonne exposée")
    rows = rows.strip() if rows and rows.strip() else None
    latest = session.scalar(
        select(Version)
        .where(Version.dataset_id == dataset.id)
        .order_by(Version.number.desc())
        .limit(1)
    )
    if latest is None:
        return columns, rows
    fields = field_types(latest.table_schema)
    unknown = [c for c in columns or [] if c not in fields]
    if unknown:
        raise InputError(f"Colonne(s) inconnue(s) dans « {dataset.slug} » : {unknown}")
    if rows is not None:
        exposed = fields if columns is None else {c: fields[c] for c in columns}
        compile_where(rows, exposed, [])
    return columns, rows


def _share(
    dataset_id: str, reach: AccessLevel, columns: list[str] | None, rows: str | None
) -> Share:
    return Share(dataset_id, reach.value, frozenset(columns) if columns else None, rows)


def find_dataset(session: Session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFoundError(f"Jeu de données « {slug} » introuvable")
    return dataset
