"""The one door: every read of a dataset, its versions or its rows asks this module.

Today two kinds of caller exist: anonymous visitors, who see ``public`` datasets only, and the
instance administrator (the CLI), who sees everything. Accounts, roles, partners' agreements
and row/column restrictions extend :func:`decide` and :func:`visible_clause` — nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, true

from socle.core.vocabularies import AccessLevel
from socle.errors import NotFoundError
from socle.storage.tables import Dataset

if TYPE_CHECKING:
    from socle.governance.audit import AuditEvent


class Action(StrEnum):
    READ = "read"  # metadata, versions, records, exports
    WRITE = "write"  # metadata edits, new versions


@dataclass(frozen=True)
class Principal:
    """Who is asking."""

    name: str
    is_admin: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.name == ANONYMOUS.name


ANONYMOUS = Principal("anonymous")
ADMIN = Principal("admin", is_admin=True)


@dataclass(frozen=True)
class Decision:
    """The answer for one (principal, action, dataset); ``columns``/``rows`` restrict reads."""

    allowed: bool
    columns: frozenset[str] | None = None  # None: every column
    rows: str | None = None  # a where expression of the query language; None: every row


def decide(principal: Principal, action: Action, dataset: Dataset) -> Decision:
    if principal.is_admin:
        return Decision(True)
    if action is Action.READ and dataset.access == AccessLevel.PUBLIC:
        return Decision(True)
    return Decision(False)


def require(
    principal: Principal, action: Action, dataset: Dataset, *, audit: AuditEvent | None = None
) -> Decision:
    """The decision, or NotFoundError: a hidden dataset must look like a missing one.

    ``audit`` describes what the caller is doing; the decision is logged with it
    (governance.audit), a refusal before it is raised.
    """
    decision = decide(principal, action, dataset)
    if audit is not None:
        audit.record(principal, dataset, decision.allowed)
    if not decision.allowed:
        raise NotFoundError(f"Jeu de données « {dataset.slug} » introuvable")
    return decision


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on ``Dataset`` matching what ``decide`` lets ``principal`` read.

    Listings, searches, counts and facets filter with it, so they never count what the
    caller cannot open.
    """
    if principal.is_admin:
        return true()
    return Dataset.access == AccessLevel.PUBLIC.value
