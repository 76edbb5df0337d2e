"""Tables of partners' obligations under an agreement and of the deliveries answering them.

An obligation says what a partner must deliver (a dataset of the owning organization,
optionally conforming to a registered schema, at a frequency from a first due date); a
delivery records who delivered which version of it, when, for which due date, and whether
the version passed its schema.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socle.storage.tables import (
    Agreement,
    Base,
    Dataset,
    RegisteredSchema,
    Version,
    new_id,
    utcnow,
)


class Obligation(Base):
    """Data a partner must deliver under an agreement (an obligation de livraison)."""

    __tablename__ = "agreement_obligations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    schema_id: Mapped[str | None] = mapped_column(ForeignKey("schemas.id"))
    frequency: Mapped[str] = mapped_column(String(20))  # a code of vocabularies.FREQUENCIES
    first_due_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    agreement: Mapped[Agreement] = relationship()
    dataset: Mapped[Dataset] = relationship()
    schema: Mapped[RegisteredSchema | None] = relationship()
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="obligation", order_by="Delivery.delivered_at"
    )


class Delivery(Base):
    """One file a partner's member delivered for an obligation, kept as a dataset version."""

    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    obligation_id: Mapped[str] = mapped_column(ForeignKey("agreement_obligations.id"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id"))
    delivered_by: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date)  # the due date it answers
    valid: Mapped[bool] = mapped_column(Boolean)  # passed its schema (or had none)
    validation: Mapped[dict] = mapped_column(JSON, default=dict)  # schema, errors

    obligation: Mapped[Obligation] = relationship(back_populates="deliveries")
    version: Mapped[Version] = relationship()
