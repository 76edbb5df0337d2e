"""Tables of citizen participation: reuses, dataset requests, comments, and the notifications
they raise for the datasets' organizations.

Everything a visitor sends waits for moderation (``status`` starts at ``pending``); the
optional contact e-mail is for the moderator only and never leaves the instance.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socle.storage.tables import Base, Dataset, Organization, new_id, utcnow

reuse_datasets = Table(
    "reuse_datasets",
    Base.metadata,
    Column("reuse_id", ForeignKey("reuses.id", ondelete="CASCADE"), primary_key=True),
    Column("dataset_id", ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
)


class Moderated:
    """What every contribution carries: its moderation state and who may be told about it."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # pending -> approved | rejected; requests go on: open -> answered -> closed.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by: Mapped[str | None] = mapped_column(String(200))
    moderation_reason: Mapped[str | None] = mapped_column(Text)


class Reuse(Moderated, Base):
    """Something built with the catalog's data: an app, an article, a visualisation."""

    __tablename__ = "reuses"

    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # File name of the re-encoded image under SOCLE_HOME/media/reuses.
    image: Mapped[str] = mapped_column(String(100))

    datasets: Mapped[list[Dataset]] = relationship(secondary=reuse_datasets)


class DataRequest(Moderated, Base):
    """« Je cherche une donnée » : a visitor asks for data the catalog does not have."""

    __tablename__ = "data_requests"

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answer_dataset_id: Mapped[str | None] = mapped_column(ForeignKey("datasets.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization | None] = relationship()
    answer_dataset: Mapped[Dataset | None] = relationship()


class Comment(Moderated, Base):
    """A message on a dataset's page; ``author_kind`` marks the organization's replies."""

    __tablename__ = "comments"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(100), default="")
    author_kind: Mapped[str] = mapped_column(String(20), default="public")  # public|organization
    body: Mapped[str] = mapped_column(Text)

    dataset: Mapped[Dataset] = relationship()


class Notification(Base):
    """Something a dataset's organization should hear about, delivered to its recipients' inboxes
    (core.participation.notifications)."""

    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event: Mapped[str] = mapped_column(String(40))  # reuse_proposed | request_created | ...
    subject_kind: Mapped[str] = mapped_column(String(20))  # reuse | request | comment
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    dataset: Mapped[Dataset | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
