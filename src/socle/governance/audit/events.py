"""Describing and logging what callers do: the event handed to the policy door.

The door logs every change and every read of data that is not public, allowed or refused.
Public reads are not logged: they are open to anyone and would drown the log.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, object_session

from socle.core.vocabularies import AccessLevel
from socle.governance.audit.chain import Occurrence, append
from socle.governance.identity import Role
from socle.storage.db import Database
from socle.storage.tables import Dataset

if TYPE_CHECKING:
    from socle.governance.policy import Principal

# Roles that read their organization's part of the log.
AUDIT_ROLES = frozenset({Role.DPO, Role.ADMIN})
# The client's address when the request came over HTTP (set by api.client_address).
CLIENT_IP: ContextVar[str | None] = ContextVar("socle_client_ip", default=None)
# Appends allowed reads while their query runs (AuditEvent.background).
_WRITER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="socle-audit")


@dataclass(frozen=True)
class AuditEvent:
    """What the caller is doing to a dataset, as the log should show it.

    ``refusals_only`` marks a pre-check on a path whose change is logged when it commits
    (a new version's number is only known then): only a refusal is logged here.

    ``background``: an allowed read is appended on a worker thread while the caller runs
    its query, so the read waits for the slower of the two rather than both; the caller
    must call :meth:`settle` before answering (no answer leaves before its entry is stored).
    """

    db: Database
    action: str  # read/records, read/export, write/metadata... (docs/audit.md)
    version: int | None = None
    query: dict[str, Any] | None = None
    details: dict[str, Any] | None = None
    refusals_only: bool = False
    background: bool = False
    _pending: list[Future[None]] = field(default_factory=list, compare=False, repr=False)

    def record(self, principal: Principal, dataset: Dataset, allowed: bool) -> None:
        """Log the door's decision; called by ``policy.require``."""
        write = self.action.startswith("write/")
        if allowed and (self.refusals_only or (not write and dataset.access == AccessLevel.PUBLIC)):
            return
        occurred = occurrence(
            principal,
            self.action,
            allowed=allowed,
            dataset=dataset,
            version=self.version,
            query=self.query,
            details=self.details,
        )
        # An allowed change commits with its entry or not at all; a refusal or a read is
        # logged at once, so the refused operation's rollback cannot take the entry along.
        session = object_session(dataset) if allowed and write else None
        if session is not None and session.in_transaction():
            append(session, occurred)
        elif allowed and not write and self.background:
            self._pending.append(_WRITER.submit(self._append, occurred))
        else:
            self._append(occurred)

    def settle(self) -> None:
        """Wait until the entries appended in the background are stored; their failure is
        the read's (the caller must not answer)."""
        while self._pending:
            self._pending.pop().result()

    def _append(self, occurred: Occurrence) -> None:
        with self.db.session() as own:
            append(own, occurred)


def occurrence(
    principal: Principal,
    action: str,
    *,
    allowed: bool = True,
    dataset: Dataset | None = None,
    version: int | None = None,
    query: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> Occurrence:
    """Who (with the HTTP client's address, if any), what, on which dataset, with what result."""
    return Occurrence(
        actor=principal.name,
        actor_kind=actor_kind(principal),
        client_ip=CLIENT_IP.get(),
        action=action,
        result="allowed" if allowed else "denied",
        dataset_id=dataset.id if dataset is not None else None,
        dataset_slug=dataset.slug if dataset is not None else None,
        version=version,
        query=query or None,
        details=details or None,
    )


def log(
    session: Session,
    principal: Principal,
    action: str,
    *,
    details: dict[str, Any] | None = None,
) -> None:
    """Log an allowed change that concerns no dataset (a schema, an organization), in the
    transaction that makes it."""
    append(session, occurrence(principal, action, details=details))


def actor_kind(principal: Principal) -> str:
    """anonymous, cli (the instance administrator), token (a user's API token) or user."""
    if principal.is_anonymous:
        return "anonymous"
    if principal.user_id is None:
        return "cli"
    return "token" if principal.token is not None else "user"


def can_read_audit(principal: Principal) -> bool:
    """Who may read the log: the instance administrator and superadmins (all of it), an
    organization's DPO and administrators (the entries about its datasets: reading.scope).
    Everyone else is told it does not exist."""
    return principal.is_admin or any(m.role in AUDIT_ROLES for m in principal.memberships)
