"""Metadata tables: organizations, schemas, datasets and their immutable versions.

Column types are portable between SQLite and PostgreSQL; lists and documents are JSON.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
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

    dataset: Mapped[Dataset] = relationship(back_populates="versions")


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
