"""The one door: every read of a dataset, its versions or its rows asks this module.

Callers: anonymous visitors, who see ``public`` datasets only; the instance administrator (the
CLI) and platform superadmins, who see everything; signed-in users, who carry their
memberships (organization, role) but, until roles are given rights, see what anonymous
visitors see. A request made with an API token is further limited by the token's scope
(read/write/admin, optionally one dataset or one organization). Roles, partners' agreements
and row/column restrictions extend :func:`decide` and :func:`visible_clause` — nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, true

from socle.core.vocabularies import AccessLevel
from socle.errors import NotFoundError
from socle.governance.identity import MembershipGrant, Scope, TokenGrant
from socle.storage.tables import Dataset


class Action(StrEnum):
    READ = "read"  # metadata, versions, records, exports
    WRITE = "write"  # metadata edits, new versions


@dataclass(frozen=True)
class Principal:
    """Who is asking.

    ``is_admin`` is the power to do anything (the CLI; a superadmin, once their second factor
    is enabled where the instance requires it); ``is_superadmin`` is the account's flag.
    """

    name: str
    is_admin: bool = False
    user_id: str | None = None
    is_superadmin: bool = False
    memberships: tuple[MembershipGrant, ...] = ()
    token: TokenGrant | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.is_admin


ANONYMOUS = Principal("anonymous")
ADMIN = Principal("admin", is_admin=True)


@dataclass(frozen=True)
class Decision:
    """The answer for one (principal, action, dataset); ``columns``/``rows`` restrict reads."""

    allowed: bool
    columns: frozenset[str] | None = None  # None: every column
    rows: str | None = None  # a where expression of the query language; None: every row


def decide(principal: Principal, action: Action, dataset: Dataset) -> Decision:
    if not _within_token(principal.token, action, dataset):
        return Decision(False)
    if principal.is_admin:
        return Decision(True)
    if action is Action.READ and dataset.access == AccessLevel.PUBLIC:
        return Decision(True)
    return Decision(False)


def require(principal: Principal, action: Action, dataset: Dataset) -> Decision:
    """The decision, or NotFoundError: a hidden dataset must look like a missing one."""
    decision = decide(principal, action, dataset)
    if not decision.allowed:
        raise NotFoundError(f"Jeu de données « {dataset.slug} » introuvable")
    return decision


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on ``Dataset`` matching what ``decide`` lets ``principal`` read.

    Listings, searches, counts and facets filter with it, so they never count what the
    caller cannot open.
    """
    clause: ColumnElement[bool] = (
        true() if principal.is_admin else Dataset.access == AccessLevel.PUBLIC.value
    )
    token = principal.token
    if token is not None and token.dataset_id is not None:
        clause = and_(clause, Dataset.id == token.dataset_id)
    if token is not None and token.organization_id is not None:
        clause = and_(clause, Dataset.organization_id == token.organization_id)
    return clause


def _within_token(token: TokenGrant | None, action: Action, dataset: Dataset) -> bool:
    """Whether the request's API token (if any) covers this action on this dataset."""
    if token is None:
        return True
    if action is Action.WRITE and token.scope is Scope.READ:
        return False
    if token.dataset_id is not None and token.dataset_id != dataset.id:
        return False
    return token.organization_id is None or token.organization_id == dataset.organization_id
