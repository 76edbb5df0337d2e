"""The one door: every read of a dataset, its versions or its rows asks this module.

Callers: anonymous visitors, who see ``public`` datasets only; the instance administrator (the
CLI) and platform superadmins, who see everything; signed-in users, who carry their
memberships (organization, role) and the datasets shared with them (see identity.Share).

Reads, by access level: ``public`` anyone; ``partners`` members of the owning organization
and partners under an active agreement; ``internal`` members of the owning organization (and
organizations it granted the dataset to); ``restricted`` the owner's DPO and named users
holding a grant. The dataset's steward (a member of the owning organization) reads and edits
it; the owner's ``admin`` and ``data_officer`` edit its datasets except restricted ones. A
member with the ``partner`` role counts as no member. A request made with an API token is
further limited by the token's scope (read/write/admin, optionally one dataset or
organization). Docs: docs/accounts.md, « Qui voit quoi ».
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, true

from socle.core.vocabularies import AccessLevel
from socle.errors import NotFoundError
from socle.governance.identity import MembershipGrant, Role, Scope, Share, TokenGrant
from socle.storage.tables import Dataset

if TYPE_CHECKING:
    from socle.governance.audit import AuditEvent


class Action(StrEnum):
    READ = "read"  # metadata, versions, records, exports
    WRITE = "write"  # metadata edits, new versions
    # Daily usage statistics; readers of a dataset see its monthly summary (core.usage).
    READ_USAGE_DETAIL = "read_usage_detail"


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
    shares: tuple[Share, ...] = ()  # datasets shared by active agreements and grants

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.is_admin


# Most open first; a share reaching a level opens every level before it.
LEVELS = tuple(level.value for level in AccessLevel)
MEMBER_LEVELS = (AccessLevel.PARTNERS.value, AccessLevel.INTERNAL.value)
# Members of the owning organization, as opposed to partners who only see what is shared.
MEMBER_ROLES = frozenset(Role) - {Role.PARTNER}
EDITOR_ROLES = frozenset({Role.ADMIN, Role.DATA_OFFICER})

ANONYMOUS = Principal("anonymous")
ADMIN = Principal("admin", is_admin=True)


@dataclass(frozen=True)
class Decision:
    """The answer for one (principal, action, dataset); ``columns``/``rows`` restrict reads."""

    allowed: bool
    columns: frozenset[str] | None = None  # None: every column
    rows: str | None = None  # a where expression of the query language; None: every row


def decide(principal: Principal, action: Action, dataset: Dataset) -> Decision:
    """Allow or deny, and what rows and columns a read may see. :func:`visible_clause` says
    the same in SQL: change both together (tests/governance check they agree)."""
    if not _within_token(principal.token, action, dataset):
        return Decision(False)
    if principal.is_admin:
        return Decision(True)
    roles = roles_in(principal, dataset.organization_id)
    if roles & MEMBER_ROLES and principal.user_id and dataset.steward_id == principal.user_id:
        return Decision(True)  # the dataset's référent data reads and edits it
    if action is Action.READ_USAGE_DETAIL:
        return Decision(bool(roles & MEMBER_ROLES))  # the owning organization's members
    level = dataset.access
    if action is Action.WRITE:
        return Decision(bool(roles & EDITOR_ROLES) and level != AccessLevel.RESTRICTED)
    if level == AccessLevel.PUBLIC or (level in MEMBER_LEVELS and roles & MEMBER_ROLES):
        return Decision(True)
    if level == AccessLevel.RESTRICTED and Role.DPO in roles:
        return Decision(True)
    shares = [s for s in principal.shares if s.dataset_id == dataset.id and opens(s.reach, level)]
    return _narrowest(shares) if shares else Decision(False)


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
    clause: ColumnElement[bool] = true() if principal.is_admin else _readable(principal)
    token = principal.token
    if token is not None and token.dataset_id is not None:
        clause = and_(clause, Dataset.id == token.dataset_id)
    if token is not None and token.organization_id is not None:
        clause = and_(clause, Dataset.organization_id == token.organization_id)
    return clause


def opens(reach: str, level: str) -> bool:
    """Whether a share reaching ``reach`` opens a dataset at ``level``."""
    return LEVELS.index(level) <= LEVELS.index(reach)


def _readable(principal: Principal) -> ColumnElement[bool]:
    """:func:`decide`'s read rules for a principal without the power to do anything."""
    options = [Dataset.access == AccessLevel.PUBLIC.value]
    members = organizations_where(principal, MEMBER_ROLES)
    if members:
        options.append(
            and_(Dataset.organization_id.in_(members), Dataset.access.in_(MEMBER_LEVELS))
        )
        if principal.user_id is not None:
            options.append(
                and_(Dataset.organization_id.in_(members), Dataset.steward_id == principal.user_id)
            )
    dpo_of = organizations_where(principal, {Role.DPO})
    if dpo_of:
        options.append(
            and_(
                Dataset.organization_id.in_(dpo_of),
                Dataset.access == AccessLevel.RESTRICTED.value,
            )
        )
    for reach in LEVELS[1:]:
        ids = sorted({s.dataset_id for s in principal.shares if s.reach == reach})
        if ids:
            opened = [level for level in LEVELS if opens(reach, level)]
            options.append(and_(Dataset.id.in_(ids), Dataset.access.in_(opened)))
    return or_(*options)


def roles_in(principal: Principal, organization_id: str | None) -> set[Role]:
    """The roles ``principal`` holds in this organization (none outside it)."""
    return {m.role for m in principal.memberships if m.organization_id == organization_id}


def organizations_where(principal: Principal, roles: set[Role] | frozenset[Role]) -> list[str]:
    """The organizations where ``principal`` holds one of ``roles``, sorted."""
    return sorted({m.organization_id for m in principal.memberships if m.role in roles})


def acts_for(principal: Principal, organization_id: str, roles: frozenset[Role]) -> bool:
    """Whether ``principal`` holds one of ``roles`` in this organization, or may do anything:
    who keeps its registers, oversees its retention, follows its agreements."""
    return principal.is_admin or bool(roles_in(principal, organization_id) & roles)


def token_covers_organization(
    token: TokenGrant | None, organization_id: str, *, write: bool
) -> bool:
    """Whether the request's API token (if any) covers something of the whole organization
    (its registers): not a token limited to one dataset or to another organization, and
    not a read token for a change."""
    if token is None:
        return True
    if write and token.scope is Scope.READ:
        return False
    return token.dataset_id is None and token.organization_id in (None, organization_id)


def organizations_acted_for(principal: Principal, roles: frozenset[Role]) -> set[str] | None:
    """The organizations ``principal`` acts for with one of ``roles`` (see acts_for), as far
    as its token reaches for reading; None means all of them."""
    token = principal.token
    if token is not None and token.dataset_id is not None:
        return set()
    if principal.is_admin:
        return None if token is None or token.organization_id is None else {token.organization_id}
    return {
        organization
        for organization in organizations_where(principal, roles)
        if token_covers_organization(token, organization, write=False)
    }


def _narrowest(shares: list[Share]) -> Decision:
    """Several shares of one dataset: only what all of them expose (fail closed)."""
    columns: frozenset[str] | None = None
    rows: list[str] = []
    for share in shares:
        if share.columns is not None:
            columns = share.columns if columns is None else columns & share.columns
        if share.rows is not None and share.rows not in rows:
            rows.append(share.rows)
    if len(rows) > 1:
        return Decision(True, columns, " and ".join(f"({r})" for r in rows))
    return Decision(True, columns, rows[0] if rows else None)


def _within_token(token: TokenGrant | None, action: Action, dataset: Dataset) -> bool:
    """Whether the request's API token (if any) covers this action on this dataset."""
    if token is None:
        return True
    if action is Action.WRITE and token.scope is Scope.READ:
        return False
    if token.dataset_id is not None and token.dataset_id != dataset.id:
        return False
    return token.organization_id is None or token.organization_id == dataset.organization_id
