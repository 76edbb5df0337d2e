"""Who keeps an organization's algorithm register: the rule for drafts and changes.

A published entry is public. Drafts, edits and publication belong to the owning
organization's ``admin``, ``data_officer``, ``dpo`` and ``steward`` (the people who answer
for its decisions and data), to superadmins and to the CLI. An API token never gives more
than its account: a ``read`` token reads drafts but changes nothing, a token limited to
another organization or to one dataset does neither.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from socle.governance.identity import Role
from socle.governance.policy import (
    Principal,
    acts_for,
    organizations_acted_for,
    token_covers_organization,
)
from socle.storage.algorithms import Algorithm

DRAFT, PUBLISHED = "draft", "published"

KEEPERS = frozenset({Role.ADMIN, Role.DATA_OFFICER, Role.DPO, Role.STEWARD})


def can_keep(principal: Principal, organization_id: str, *, write: bool) -> bool:
    """Whether ``principal`` reads the drafts of (``write``: changes) this register."""
    return token_covers_organization(principal.token, organization_id, write=write) and acts_for(
        principal, organization_id, KEEPERS
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
    kept = organizations_acted_for(principal, KEEPERS)
    if kept is None:
        return true()
    return or_(published, Algorithm.organization_id.in_(sorted(kept))) if kept else published
