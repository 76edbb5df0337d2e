"""The one door's decisions for principals with accounts and API tokens."""

from __future__ import annotations

from dataclasses import replace

import pytest

from socle.core.vocabularies import AccessLevel
from socle.governance.identity import MembershipGrant, Role, Scope, Share, TokenGrant
from socle.governance.policy import (
    ADMIN,
    ANONYMOUS,
    Action,
    Decision,
    Principal,
    acts_for,
    decide,
    organizations_acted_for,
    token_covers_organization,
)
from socle.storage.tables import Dataset

PUBLIC = Dataset(id="d1", slug="velos", access="public", organization_id="o1")
INTERNAL = Dataset(id="d2", slug="aides", access="internal", organization_id="o1")


def principal(**kwargs: object) -> Principal:
    return Principal("x@y.fr", user_id="u1", **kwargs)  # type: ignore[arg-type]


def member(role: Role, org: str = "o1", **kwargs: object) -> Principal:
    return principal(memberships=(MembershipGrant(org, role),), **kwargs)


def dataset(access: str, **kwargs: object) -> Dataset:
    return Dataset(id=f"d-{access}", slug=access, access=access, organization_id="o1", **kwargs)


# Role in the owning organization -> levels it reads, and levels it edits.
READS = {
    Role.ADMIN: {"public", "partners", "internal"},
    Role.DATA_OFFICER: {"public", "partners", "internal"},
    Role.DPO: {"public", "partners", "internal", "restricted"},
    Role.STEWARD: {"public", "partners", "internal"},
    Role.AGENT: {"public", "partners", "internal"},
    Role.PARTNER: {"public"},
}
EDITS = {
    Role.ADMIN: {"public", "partners", "internal"},
    Role.DATA_OFFICER: {"public", "partners", "internal"},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("level", [level.value for level in AccessLevel])
def test_roles_of_the_owning_organization(role: Role, level: str) -> None:
    owner, other = member(role), member(role, org="o2")
    assert decide(owner, Action.READ, dataset(level)).allowed == (level in READS[role])
    assert decide(owner, Action.WRITE, dataset(level)).allowed == (level in EDITS.get(role, ()))
    assert decide(other, Action.READ, dataset(level)).allowed == (level == "public")
    assert not decide(other, Action.WRITE, dataset(level)).allowed
    assert decide(ANONYMOUS, Action.READ, dataset(level)).allowed == (level == "public")
    assert decide(ADMIN, Action.WRITE, dataset(level)).allowed


@pytest.mark.parametrize("level", [level.value for level in AccessLevel])
def test_the_steward_of_a_dataset_reads_and_edits_it(level: str) -> None:
    steward = member(Role.STEWARD)
    theirs = dataset(level, steward_id="u1")
    assert decide(steward, Action.READ, theirs).allowed
    assert decide(steward, Action.WRITE, theirs).allowed
    assert not decide(steward, Action.WRITE, dataset(level)).allowed
    # Named steward but no longer a member: nothing more than anyone.
    gone = member(Role.STEWARD, org="o2")
    assert not decide(gone, Action.WRITE, theirs).allowed


def test_shares_open_up_to_their_reach_with_their_restrictions() -> None:
    agreement = Share("d-partners", "partners", frozenset({"a"}), "a > 1")
    partner = member(Role.PARTNER, org="p", shares=(agreement,))
    decision = decide(partner, Action.READ, dataset("partners"))
    assert decision == Decision(True, frozenset({"a"}), "a > 1")
    assert not decide(partner, Action.WRITE, dataset("partners")).allowed
    # An agreement never opens an internal dataset.
    internal = Share("d-internal", "partners")
    assert not decide(
        member(Role.PARTNER, shares=(internal,)), Action.READ, dataset("internal")
    ).allowed
    # A grant to a user opens a restricted dataset; two shares expose only what both do.
    both = (
        Share("d-restricted", "restricted", frozenset({"a", "b"}), "a > 1"),
        Share("d-restricted", "restricted", frozenset({"b", "c"}), "b = 2"),
    )
    granted = decide(principal(shares=both), Action.READ, dataset("restricted"))
    assert granted == Decision(True, frozenset({"b"}), "(a > 1) and (b = 2)")
    # A member's own right is not narrowed by a share.
    agent = member(Role.AGENT, shares=(agreement,))
    assert decide(agent, Action.READ, dataset("partners")) == Decision(True)


def test_a_token_narrows_an_administrator() -> None:
    read = principal(is_admin=True, token=TokenGrant("t", Scope.READ))
    assert decide(read, Action.READ, INTERNAL).allowed
    assert not decide(read, Action.WRITE, INTERNAL).allowed
    write = principal(is_admin=True, token=TokenGrant("t", Scope.WRITE))
    assert decide(write, Action.WRITE, INTERNAL).allowed
    one = principal(is_admin=True, token=TokenGrant("t", Scope.ADMIN, dataset_id="d2"))
    assert decide(one, Action.READ, INTERNAL).allowed
    assert not decide(one, Action.READ, PUBLIC).allowed
    org = principal(is_admin=True, token=TokenGrant("t", Scope.ADMIN, organization_id="o2"))
    assert not decide(org, Action.READ, PUBLIC).allowed


def test_a_token_never_widens() -> None:
    token = principal(token=TokenGrant("t", Scope.ADMIN))
    assert not decide(token, Action.READ, INTERNAL).allowed
    assert not decide(token, Action.WRITE, PUBLIC).allowed


def test_acting_for_an_organization_takes_one_of_the_roles_there() -> None:
    dpo = frozenset({Role.DPO})
    assert acts_for(member(Role.DPO), "o1", dpo)
    assert not acts_for(member(Role.DPO, org="o2"), "o1", dpo)
    assert not acts_for(member(Role.ADMIN), "o1", dpo)
    assert acts_for(ADMIN, "o1", dpo)
    assert not acts_for(ANONYMOUS, "o1", dpo)


@pytest.mark.parametrize(
    ("token", "write", "covers"),
    [
        (None, True, True),
        (TokenGrant("t", Scope.WRITE), True, True),
        (TokenGrant("t", Scope.READ), False, True),
        (TokenGrant("t", Scope.READ), True, False),
        (TokenGrant("t", Scope.WRITE, organization_id="o1"), True, True),
        (TokenGrant("t", Scope.WRITE, organization_id="o2"), False, False),
        (TokenGrant("t", Scope.ADMIN, dataset_id="d1"), False, False),
    ],
)
def test_a_token_covers_an_organization_unless_narrowed_elsewhere(
    token: TokenGrant | None, write: bool, covers: bool
) -> None:
    assert token_covers_organization(token, "o1", write=write) is covers


def test_the_organizations_acted_for_follow_roles_and_the_token() -> None:
    keepers = frozenset({Role.DPO, Role.ADMIN})
    two = (MembershipGrant("o1", Role.DPO), MembershipGrant("o2", Role.AGENT))
    assert organizations_acted_for(principal(memberships=two), keepers) == {"o1"}
    narrowed = TokenGrant("t", Scope.READ, organization_id="o2")
    assert organizations_acted_for(principal(memberships=two, token=narrowed), keepers) == set()
    assert organizations_acted_for(ADMIN, keepers) is None
    one = TokenGrant("t", Scope.ADMIN, organization_id="o1")
    assert organizations_acted_for(replace(ADMIN, token=one), keepers) == {"o1"}
    dataset = TokenGrant("t", Scope.ADMIN, dataset_id="d1")
    assert organizations_acted_for(replace(ADMIN, token=dataset), keepers) == set()
