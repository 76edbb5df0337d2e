"""Who keeps an organization's register: its ``dpo``, ``admin`` and ``data_officer``, and
whoever may do anything (the CLI, a superadmin). Everyone else sees published registers only,
and nothing of an unpublished one (404, as for a missing entry).

An API token narrows this like it narrows dataset access: a read token never edits, a token
limited to one dataset never opens a register, one limited to an organization only its own.
"""

from __future__ import annotations

from socle.errors import ForbiddenError, NotFoundError
from socle.governance.identity import Role
from socle.governance.policy import (
    Principal,
    acts_for,
    organizations_acted_for,
    token_covers_organization,
)

KEEPER_ROLES = frozenset({Role.DPO, Role.ADMIN, Role.DATA_OFFICER})


def keeps(principal: Principal, organization_id: str, *, write: bool = False) -> bool:
    """Whether ``principal`` reads (or, with ``write``, edits) this organization's register."""
    return token_covers_organization(principal.token, organization_id, write=write) and acts_for(
        principal, organization_id, KEEPER_ROLES
    )


def is_dpo(principal: Principal, organization_id: str) -> bool:
    """Only the organization's DPO (or the instance administrator) gives the DPO's opinion."""
    return acts_for(principal, organization_id, frozenset({Role.DPO}))


def kept_organizations(principal: Principal) -> set[str] | None:
    """The organizations whose register ``principal`` keeps; None means all of them."""
    return organizations_acted_for(principal, KEEPER_ROLES)


def check_write(principal: Principal, organization_id: str, what: str) -> None:
    """Refuse an edit: 403 to a keeper whose token only reads, 404 to anyone else."""
    if keeps(principal, organization_id, write=True):
        return
    if keeps(principal, organization_id):
        raise ForbiddenError("Ce jeton d'API ne permet que la lecture : modification refusée")
    raise NotFoundError(f"{what} introuvable")
