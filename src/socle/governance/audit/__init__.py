"""The audit log: who read or changed what, when, and whether it was allowed.

Append-only and tamper-evident: entries are numbered without gaps and each one's SHA-256 seal
covers its content and the previous entry's seal, so :func:`verify` finds an edited, a
deleted or a reordered entry and a truncated tail. Callers describe what they do with an
:class:`AuditEvent` handed to the policy door (``require(..., audit=...)``), which logs it.
"""

from __future__ import annotations

from socle.governance.audit.chain import GENESIS, Occurrence, append, seal, timestamp
from socle.governance.audit.events import (
    CLIENT_IP,
    AuditEvent,
    can_read_audit,
    log,
    occurrence,
)
from socle.governance.audit.reading import (
    MAX_PAGE_SIZE,
    AuditFilters,
    AuditPage,
    csv_chunks,
    entries,
    entry_view,
    search,
)
from socle.governance.audit.retention import PurgeResult, purge
from socle.governance.audit.verify import Problem, Verification, verify

__all__ = [
    "CLIENT_IP",
    "GENESIS",
    "MAX_PAGE_SIZE",
    "AuditEvent",
    "AuditFilters",
    "AuditPage",
    "Occurrence",
    "Problem",
    "PurgeResult",
    "Verification",
    "append",
    "can_read_audit",
    "csv_chunks",
    "entries",
    "entry_view",
    "log",
    "occurrence",
    "purge",
    "seal",
    "search",
    "timestamp",
    "verify",
]
