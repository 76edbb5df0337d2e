"""Who keeps an organization's algorithm register: the rule for drafts and changes.

A published entry is public. Drafts, edits and publication belong to the owning
organization's ``admin``, ``data_officer``, ``dpo`` and ``steward`` (the people who answer
for its decisions and data), to superadmins and to the CLI. An API token never gives more
than its account: a ``read`` token reads drafts but changes nothing, a token limited to
another organization or to one dataset does neither.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from socle.governance.identity import Role, Scope
from socle.governance.policy import Principal
from socle.storage.algorithms import Algorithm

DRAFT, PUBLISHED = "draft", "published"

KEEPERS = frozenset({Role.ADMIN, Role.DATA_OFFICER, Role.DPO, Role.STEWARD})


def can_keep(principal: Principal, organization_id: str, *, write: bool) -> bool:
    """Whether ``principal`` reads the drafts of (``write``: changes) this register."""
    token = principal.token
    if token is not None:
        if write and token.scope is Scope.READ:
            return False
        if token.dataset_id is not None:
            return False
        if token.organization_id not in (None, organization_id):
            return False
    if principal.is_admin:
        return True
    return any(
        m.organization_id == organization_id and m.role in KEEPERS for m in principal.memberships
    )


def visible(principal: Principal, algorithm: Algorithm) -> bool:
    """Whether ``principal`` sees this entry: published, or a draft they keep (``visible_clause``
    for an entry already loaded, e.g. one citing a register entry)."""
    return algorithm.status == PUBLISHED or can_keep(
        principal, algorithm.organization_id, write=False
    )


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on ``Algorithm``: published entries, and the drafts ``principal`` keeps."""
    published = Algorithm.status == PUBLISHED
    if principal.is_admin:
        token = principal.token
        if token is None or (token.dataset_id is None and token.organization_id is None):
            return true()
    candidates = {m.organization_id for m in principal.memberships}
    if principal.token is not None and principal.token.organization_id is not None:
        candidates.add(principal.token.organization_id)
    kept = sorted(o for o in candidates if can_keep(principal, o, write=False))
    return or_(published, Algorithm.organization_id.in_(kept)) if kept else published
