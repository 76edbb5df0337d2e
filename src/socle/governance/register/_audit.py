"""Logging what happens to a register: every change, and every read of what is not published."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from socle.governance.audit import append, occurrence
from socle.governance.policy import Principal
from socle.storage.db import Database


def logged(
    session: Session, principal: Principal, action: str, organization: str, **details: Any
) -> None:
    """An allowed change or read, in the transaction that makes it."""
    append(
        session, occurrence(principal, action, details={"organization": organization, **details})
    )


def refused(db: Database, principal: Principal, action: str, **details: Any) -> None:
    """A refusal, in its own transaction: the refused operation's rollback keeps it."""
    with db.session() as own:
        append(own, occurrence(principal, action, allowed=False, details=details))
