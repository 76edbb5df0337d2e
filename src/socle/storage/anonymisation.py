"""The lineage record of anonymisation runs: which personal dataset and version, which
recipe, what the run measured, and whether its output may be published.

A dataset is recognised as anonymised output through this record (see
governance.publication); dry runs are audited but leave no record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from socle.storage.tables import Base, new_id, utcnow


class AnonymisationRun(Base):
    """One run of a recipe that wrote a version of its output dataset."""

    __tablename__ = "anonymisation_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    source_dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    source_version: Mapped[int] = mapped_column(Integer)
    output_dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    output_version_id: Mapped[str] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), unique=True
    )
    recipe: Mapped[dict[str, Any]] = mapped_column()
    report: Mapped[dict[str, Any]] = mapped_column()
    # Every declared threshold met (k, ℓ, aggregate) and no pseudonym left in the rows.
    publishable: Mapped[bool] = mapped_column(Boolean)
