"""The retention tombstones: what a purge removed from each version, kept once its files are gone.

The version row itself stays (``Version.purged_at``), so history is still explainable; this
table says why and how much: the rows past the cutoff, the bytes freed, the version written
without them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from socle.storage.tables import Base, Version, new_id, utcnow


class VersionPurge(Base):
    """One purged version: ``reason`` is ``expired_rows`` or ``expired_version``."""

    __tablename__ = "version_purges"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id"), unique=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    purged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    purged_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(40))
    cutoff: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rows_expired: Mapped[int] = mapped_column(BigInteger)
    bytes_freed: Mapped[int] = mapped_column(BigInteger)
    # The version written without the expired rows, when the purge made one.
    replaced_by: Mapped[int | None] = mapped_column(Integer)

    version: Mapped[Version] = relationship()
