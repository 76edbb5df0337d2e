"""Tables of the algorithm transparency register (CRPA art. L312-1-3 and R311-3-1-2).

An entry belongs to an organization and is a draft until published. Every change writes a
numbered revision holding the whole entry as it then stood, so the history can be shown and
any past state read back. An entry cites catalog datasets (``algorithm_datasets``) and the
processing activities of the RGPD register its data go through (``algorithm_processings``,
indexed both ways: a register entry lists the algorithms citing it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socle.storage.register import ProcessingActivity
from socle.storage.tables import Base, Dataset, Organization, new_id, utcnow

algorithm_datasets = Table(
    "algorithm_datasets",
    Base.metadata,
    Column("algorithm_id", ForeignKey("algorithms.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
)
algorithm_processings = Table(
    "algorithm_processings",
    Base.metadata,
    Column("algorithm_id", ForeignKey("algorithms.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "processing_id",
        ForeignKey("processing_activities.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Algorithm(Base):
    """One entry of the register, with the fields of Etalab's inventory guide."""

    __tablename__ = "algorithms"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # | published
    # The administration is the organization; then the department and a contact.
    department: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    # The algorithm and the decision it serves.
    name: Mapped[str] = mapped_column(String(300))
    decision: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    decision_role: Mapped[str] = mapped_column(Text, default="")
    automation: Mapped[str | None] = mapped_column(String(20))  # full | aid
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    # Its impact.
    decisions_per_year: Mapped[int | None] = mapped_column(Integer)
    decision_scope: Mapped[str | None] = mapped_column(String(20))  # external | internal
    public_concerned: Mapped[str] = mapped_column(Text, default="")
    # How it works.
    data_processed: Mapped[str] = mapped_column(Text, default="")
    data_sources: Mapped[str] = mapped_column(Text, default="")
    collection_mode: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str | None] = mapped_column(String(30))  # rules | machine_learning
    operations: Mapped[str] = mapped_column(Text, default="")
    parameters: Mapped[list[Any]] = mapped_column(default=list)  # [{name, weight, description}]
    source_code_url: Mapped[str | None] = mapped_column(String(500))
    documentation_url: Mapped[str | None] = mapped_column(String(500))

    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship()
    datasets: Mapped[list[Dataset]] = relationship(secondary=algorithm_datasets)
    processings: Mapped[list[ProcessingActivity]] = relationship(
        secondary=algorithm_processings,
        back_populates="algorithms",
        order_by=ProcessingActivity.name,
    )
    revisions: Mapped[list[AlgorithmRevision]] = relationship(
        back_populates="algorithm",
        order_by="AlgorithmRevision.number",
        cascade="all, delete-orphan",
    )


class AlgorithmRevision(Base):
    """The entry as one change left it: who, when, which fields, and the whole content."""

    __tablename__ = "algorithm_revisions"
    __table_args__ = (
        UniqueConstraint("algorithm_id", "number", name="uq_algorithm_revisions_number"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    algorithm_id: Mapped[str] = mapped_column(
        ForeignKey("algorithms.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(20))  # created | edited | published | withdrawn
    changes: Mapped[list[str]] = mapped_column(default=list)  # names of the changed fields
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)  # fields, status, link ids

    algorithm: Mapped[Algorithm] = relationship(back_populates="revisions")
