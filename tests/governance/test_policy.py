"""The one door's decisions for principals with accounts and API tokens."""

from __future__ import annotations

from socle.governance.identity import MembershipGrant, Role, Scope, TokenGrant
from socle.governance.policy import ADMIN, ANONYMOUS, Action, Principal, decide
from socle.storage.tables import Dataset

PUBLIC = Dataset(id="d1", slug="velos", access="public", organization_id="o1")
INTERNAL = Dataset(id="d2", slug="aides", access="internal", organization_id="o1")


def principal(**kwargs: object) -> Principal:
    return Principal("x@y.fr", user_id="u1", **kwargs)  # type: ignore[arg-type]


def test_today_a_member_sees_what_anonymous_sees() -> None:
    agent = principal(memberships=(MembershipGrant("o1", Role.AGENT),))
    assert not agent.is_anonymous and ANONYMOUS.is_anonymous and not ADMIN.is_anonymous
    for dataset in (PUBLIC, INTERNAL):
        for action in Action:
            assert decide(agent, action, dataset) == decide(ANONYMOUS, action, dataset)


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
