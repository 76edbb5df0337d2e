"""Metadata tables: organizations, schemas, datasets, their immutable versions, and accounts.

Column types are portable between SQLite and PostgreSQL; lists and documents are JSON.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands them back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    # Stable constraint names, so Alembic migrations read the same on both databases.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[Any]: JSON,
    }


class Organization(Base):
    """A tenant: an authority, a partner or the operator."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    siren: Mapped[str | None] = mapped_column(String(9))
    # The establishment's SIRET: ProConnect's siret claim makes its agents members.
    siret: Mapped[str | None] = mapped_column(String(14), unique=True, index=True)
    kind: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    datasets: Mapped[list[Dataset]] = relationship(back_populates="organization")


class RegisteredSchema(Base):
    """One version of a Table Schema in the instance's registry; datasets pin one."""

    __tablename__ = "schemas"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_schemas_name_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Where the schema was read from, and the public URL datasets declare in dct:conformsTo.
    source: Mapped[str] = mapped_column(String(1000))
    url: Mapped[str | None] = mapped_column(String(1000))
    descriptor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sha256: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class Dataset(Base):
    """A catalog entry (DCAT-AP aligned). ``id`` is the stable identifier across renames."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    themes: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    licence: Mapped[str] = mapped_column(String(50), default="notspecified")
    # Indexed for the policy's listing and the catalog's change check (core.search_index).
    access: Mapped[str] = mapped_column(String(20), default="internal", index=True)
    contact_name: Mapped[str | None] = mapped_column(String(300))
    contact_email: Mapped[str | None] = mapped_column(String(300))
    spatial: Mapped[list[str]] = mapped_column(default=list)
    temporal_start: Mapped[date | None] = mapped_column(Date)
    temporal_end: Mapped[date | None] = mapped_column(Date)
    frequency: Mapped[str | None] = mapped_column(String(30))
    conforms_to: Mapped[str | None] = mapped_column(String(500))
    primary_key: Mapped[list[str]] = mapped_column(default=list)
    schema_id: Mapped[str | None] = mapped_column(ForeignKey("schemas.id"))
    # RGPD: whether rows hold personal data (such a dataset cannot be made public).
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    # The référent data (a member of the owning organization) who edits this dataset.
    steward_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    # Retention (governance.retention): {"period": "P1Y", "date_column": "date" or None}.
    retention: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    organization: Mapped[Organization | None] = relationship(back_populates="datasets")
    schema: Mapped[RegisteredSchema | None] = relationship()
    versions: Mapped[list[Version]] = relationship(
        back_populates="dataset", order_by="Version.number"
    )


class Version(Base):
    """One immutable state of a dataset's data. Rows are only ever added, never edited."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("dataset_id", "number", name="uq_versions_dataset_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    created_by: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(30))  # ingest | rollback | clean
    source_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(30))
    row_count: Mapped[int] = mapped_column(BigInteger)
    data_bytes: Mapped[int] = mapped_column(BigInteger)
    raw_bytes: Mapped[int] = mapped_column(BigInteger)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    data_sha256: Mapped[str] = mapped_column(String(64))
    lake_key: Mapped[str] = mapped_column(String(200))
    table_schema: Mapped[dict[str, Any]] = mapped_column(default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    rolled_back_from: Mapped[int | None] = mapped_column(Integer)
    # Summary of the quality assessment made as the version landed (see core.quality).
    quality: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Set when retention deleted the version's files: the row stays as a tombstone.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    dataset: Mapped[Dataset] = relationship(back_populates="versions")


class User(Base):
    """A person with an account. ``password_hash`` is empty for people who will only sign in
    through an external identity provider (OpenID Connect links issuer + subject to a user)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(300), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_superadmin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Lockout: consecutive failed sign-ins, and until when the account refuses them all.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped when a password changes or the account is disabled: older sessions end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    # TOTP second factor: a secret is pending until a first code confirms it.
    totp_secret: Mapped[str | None] = mapped_column(String(255))  # sealed: governance.secrets
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # refuses a replayed code
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Membership(Base):
    """A user's role in one organization (one role per user and organization)."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organization_id", name="uq_memberships_user_organization"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()


class ApiToken(Base):
    """A personal API token. Only the SHA-256 of the secret is kept; ``prefix`` names it."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10))  # read | write | admin
    dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"))
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
    dataset: Mapped[Dataset | None] = relationship()
    organization: Mapped[Organization | None] = relationship()


class UsageCount(Base):
    """How often a dataset was used on one day, as bare totals (see docs/statistics.md).

    Nothing about the visitor is kept: no address, no user agent, no cookie, no time of day.
    ``detail`` is the export format of a download, the API of a records call, the portal tab
    of a page view; the counts are added to by upserts (core.usage.counter).
    """

    __tablename__ = "usage_counts"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # view | download | api
    detail: Mapped[str] = mapped_column(String(30), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class AuditEntry(Base):
    """One line of the audit log: who did or tried what, when, and whether it was allowed.

    ``seq`` is given by the log, without gaps; ``hash`` seals the entry's content together
    with ``prev_hash``, the previous entry's seal (see governance.audit). No foreign key:
    an entry outlives the dataset it names.
    """

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(50))
    dataset_id: Mapped[str | None] = mapped_column(String(36), index=True)
    dataset_slug: Mapped[str | None] = mapped_column(String(100), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    query: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(10))  # allowed | denied
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The log's single head row: the last entry's number and seal, and the purge anchor.

    Appending updates it first, which serialises writers on both databases; verification
    starts from the anchor (the last purged entry) and must end on the head.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    anchor_seq: Mapped[int] = mapped_column(BigInteger)
    anchor_hash: Mapped[str] = mapped_column(String(64))


class Agreement(Base):
    """A data-sharing agreement (convention de partage) between the owning organization and a
    partner organization: while active and within its dates, the partner's members read the
    covered datasets whose level is ``partners``."""

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active|suspended|ended
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    # Clauses, as written in the signed agreement (core.agreements).
    purpose: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    hosting: Mapped[str | None] = mapped_column(Text)  # hosting and sovereignty clauses

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    partner: Mapped[Organization] = relationship(foreign_keys=[partner_id])
    datasets: Mapped[list[AgreementDataset]] = relationship(back_populates="agreement")


class AgreementDataset(Base):
    """A dataset an agreement covers, with the columns and rows it exposes (None: all)."""

    __tablename__ = "agreement_datasets"
    __table_args__ = (
        UniqueConstraint("agreement_id", "dataset_id", name="uq_agreement_datasets_pair"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    columns: Mapped[list[str] | None] = mapped_column(JSON)
    rows: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="datasets")
    dataset: Mapped[Dataset] = relationship()


class Grant(Base):
    """A dataset shared with one named user or with another organization (mutualisation),
    until revoked, optionally restricted to some columns and rows."""

    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    columns: Mapped[list[str] | None] = mapped_column(JSON)
    rows: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    dataset: Mapped[Dataset] = relationship()
    user: Mapped[User | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
