"""Retention: removing entries older than the configured period, the chain kept checkable.

The seal of the last removed entry becomes the head's anchor, where verification starts.
A purge is itself logged, and refuses to run on a log that no longer verifies: removing
altered entries would erase the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update

from socle.errors import ConflictError
from socle.governance.audit.chain import HEAD_ID, append, timestamp
from socle.governance.audit.events import occurrence
from socle.governance.audit.verify import verify
from socle.storage.db import Database
from socle.storage.tables import AuditEntry, AuditHead, utcnow

if TYPE_CHECKING:
    from socle.governance.policy import Principal


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    removed: int
    anchor_seq: int


def purge(db: Database, principal: Principal, days: int, *, dry_run: bool = False) -> PurgeResult:
    """Remove the entries logged more than ``days`` days ago (none with ``dry_run``)."""
    cutoff = utcnow() - timedelta(days=days)
    checked = verify(db)
    if not checked.ok:
        raise ConflictError(
            "Le journal d'audit ne se vérifie plus : purge refusée pour ne pas effacer "
            "les traces (voir « socle audit verify »)"
        )
    with db.session() as session:
        boundary = session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.at < cutoff))
        if boundary is None:
            anchor_seq = session.get_one(AuditHead, HEAD_ID).anchor_seq
            removed = 0
        else:
            removed = (
                session.scalar(
                    select(func.count()).select_from(AuditEntry).where(AuditEntry.seq <= boundary)
                )
                or 0
            )
            anchor_seq = boundary
        if dry_run:
            return PurgeResult(cutoff, removed, anchor_seq)
        if boundary is not None:
            anchor_hash = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == boundary))
            session.execute(delete(AuditEntry).where(AuditEntry.seq <= boundary))
            session.execute(
                update(AuditHead)
                .where(AuditHead.id == HEAD_ID)
                .values(anchor_seq=boundary, anchor_hash=anchor_hash)
            )
        details = {"removed": removed, "before": timestamp(cutoff), "retention_days": days}
        append(session, occurrence(principal, "write/audit-purge", details=details))
    return PurgeResult(cutoff, removed, anchor_seq)
