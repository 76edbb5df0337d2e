"""``visible_clause`` says in SQL exactly what ``decide`` says in Python, on a generated
population of datasets (every level, two organizations, with and without a steward) and of
principals (every role, several memberships, shares, API tokens)."""

from __future__ import annotations

import itertools
import random

from sqlalchemy import select

from socle.core.vocabularies import AccessLevel
from socle.governance.identity import MembershipGrant, Role, Scope, Share, TokenGrant
from socle.governance.policy import ADMIN, ANONYMOUS, Action, Principal, decide, visible_clause
from socle.instance import Instance
from socle.storage.tables import Dataset, Organization, User

ORGS = ("o1", "o2", "o3")
USERS = ("u1", "u2")


def population(instance: Instance) -> list[Dataset]:
    with instance.db.session() as session:
        session.add_all(Organization(id=o, slug=o, name=o) for o in ORGS)
        session.add_all(User(id=u, email=f"{u}@x.fr") for u in USERS)
        session.flush()
        datasets = [
            Dataset(
                id=f"{org}-{level.value}-{steward}",
                slug=f"{org}-{level.value}-{steward}",
                title="x",
                access=level.value,
                organization_id=org,
                steward_id=steward if steward != "none" else None,
            )
            for org, level, steward in itertools.product(ORGS, AccessLevel, (*USERS, "none"))
        ]
        session.add_all(datasets)
    return datasets


def principals(datasets: list[Dataset]) -> list[Principal]:
    rng = random.Random(5)
    found = [ANONYMOUS, ADMIN]
    for _ in range(300):
        memberships = tuple(
            MembershipGrant(rng.choice(ORGS), rng.choice(list(Role)))
            for _ in range(rng.randint(0, 2))
        )
        shares = tuple(
            Share(
                rng.choice(datasets).id,
                rng.choice([level.value for level in AccessLevel][1:]),
                rng.choice([None, frozenset({"a"})]),
            )
            for _ in range(rng.randint(0, 3))
        )
        token = rng.choice(
            [
                None,
                TokenGrant("t", Scope.READ),
                TokenGrant("t", Scope.ADMIN, organization_id=rng.choice(ORGS)),
                TokenGrant("t", Scope.WRITE, dataset_id=rng.choice(datasets).id),
            ]
        )
        found.append(
            Principal(
                "p",
                is_admin=rng.random() < 0.05,
                user_id=rng.choice(USERS),
                memberships=memberships,
                shares=shares,
                token=token,
            )
        )
    return found


def test_visible_clause_agrees_with_decide(instance: Instance) -> None:
    datasets = population(instance)
    with instance.db.session() as session:
        for principal in principals(datasets):
            listed = set(session.scalars(select(Dataset.id).where(visible_clause(principal))))
            allowed = {d.id for d in datasets if decide(principal, Action.READ, d).allowed}
            assert listed == allowed, principal
