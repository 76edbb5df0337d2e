"""Tables of the RGPD register of processing activities (Art. 30) and their DPIAs.

An organization (the controller) keeps one register: its settings (contacts, published or
not) and its processing activities, each with its data categories (own retention, sensitive
flag), recipients, transfers, security measures, linked datasets and DPIA. Lists and
documents are JSON, like the catalog's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socle.storage.tables import Base, Dataset, Organization, new_id, utcnow

if TYPE_CHECKING:
    from socle.storage.algorithms import Algorithm

processing_datasets = Table(
    "processing_datasets",
    Base.metadata,
    Column(
        "activity_id", ForeignKey("processing_activities.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
)


class ProcessingRegister(Base):
    """An organization's register: who the controller and the DPO are, and whether the
    register is published on the portal."""

    __tablename__ = "processing_registers"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    controller_name: Mapped[str] = mapped_column(String(300), default="")
    controller_address: Mapped[str] = mapped_column(Text, default="")
    controller_email: Mapped[str] = mapped_column(String(300), default="")
    controller_phone: Mapped[str] = mapped_column(String(50), default="")
    dpo_name: Mapped[str] = mapped_column(String(300), default="")
    dpo_address: Mapped[str] = mapped_column(Text, default="")
    dpo_email: Mapped[str] = mapped_column(String(300), default="")
    dpo_phone: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship()


class ProcessingActivity(Base):
    """One processing activity (fiche de traitement) of an organization's register."""

    __tablename__ = "processing_activities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(50), default="")
    # The service in charge and its internal contact (not shown on the public page).
    service: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(300), default="")
    joint_controllers: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    sub_purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_basis: Mapped[str | None] = mapped_column(String(30))
    legal_basis_detail: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{category, description, retention}]; a category of SENSITIVE_CATEGORIES is sensitive.
    data_categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    processors: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{name, detail}]
    # [{recipient, country, safeguard, documentation}]
    transfers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    security_measures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dpia_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    dpia_cnil_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    dpia_status: Mapped[str] = mapped_column(String(20), default="to_do")
    dpia_opinion: Mapped[str] = mapped_column(Text, default="")
    dpia_opinion_date: Mapped[date | None] = mapped_column(Date)
    dpia_action_plan: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{action, ...}]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship()
    datasets: Mapped[list[Dataset]] = relationship(
        secondary=processing_datasets, order_by=Dataset.slug
    )
    # The public algorithms whose decisions rest on this activity (storage.algorithms).
    algorithms: Mapped[list[Algorithm]] = relationship(
        secondary="algorithm_processings", back_populates="processings", order_by="Algorithm.name"
    )
