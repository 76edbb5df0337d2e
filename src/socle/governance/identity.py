"""The vocabulary of identity the policy reads: roles in an organization, API token scopes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A member's role in one organization (what each may do is the policy's business)."""

    ADMIN = "admin"
    DATA_OFFICER = "data_officer"
    DPO = "dpo"
    STEWARD = "steward"
    AGENT = "agent"
    PARTNER = "partner"


ROLE_LABELS_FR: dict[str, str] = {
    "admin": "Administrateur de l'organisation",
    "data_officer": "Administrateur des données (CDO)",
    "dpo": "Délégué à la protection des données (DPO)",
    "steward": "Référent data",
    "agent": "Agent",
    "partner": "Partenaire",
}


class Scope(StrEnum):
    """What an API token allows, at most: its user's rights are never exceeded."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


SCOPE_LABELS_FR: dict[str, str] = {
    "read": "Lecture",
    "write": "Lecture et écriture",
    "admin": "Administration",
}


@dataclass(frozen=True)
class MembershipGrant:
    """One (organization, role) pair of a principal."""

    organization_id: str
    role: Role


@dataclass(frozen=True)
class TokenGrant:
    """The API token a request came with, and what it is limited to."""

    token_id: str
    scope: Scope
    dataset_id: str | None = None
    organization_id: str | None = None


@dataclass(frozen=True)
class Share:
    """A dataset shared with a principal by an agreement or a grant, and what it exposes.

    ``reach`` is the most closed access level the share opens: an agreement opens
    ``partners`` datasets, a grant to an organization ``internal`` ones too, a grant to a
    named user ``restricted`` ones as well. ``columns``/``rows`` restrict what it exposes.
    """

    dataset_id: str
    reach: str
    columns: frozenset[str] | None = None
    rows: str | None = None
