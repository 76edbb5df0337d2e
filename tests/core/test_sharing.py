"""Agreements and grants as the policy sees them: dates, status, reach, revocation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from socle.core.agreements import add_agreement, set_status
from socle.core.catalog import get_entry, set_steward, update_dataset
from socle.core.grants import add_grant, revoke_grant
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.principals import principal_for
from socle.core.users import create_user, get_user_by_id
from socle.core.versions import add_version
from socle.errors import InputError, NotFoundError
from socle.governance.policy import ADMIN, Principal
from socle.governance.register import create_activity, link_dataset, parse_fields
from socle.instance import Instance

PASSWORD = "une phrase de passe solide"


def member(instance: Instance, email: str, org: str, role: str) -> Principal:
    user = create_user(instance, email, PASSWORD)
    set_membership(instance, org, email, role)
    account = get_user_by_id(instance, user.id)
    assert account is not None
    return principal_for(instance, account)


def again(instance: Instance, principal: Principal) -> Principal:
    """The principal of the next request (shares are loaded per request)."""
    assert principal.user_id is not None
    account = get_user_by_id(instance, principal.user_id)
    assert account is not None
    return principal_for(instance, account)


def readable(instance: Instance, principal: Principal, slug: str) -> bool:
    try:
        get_entry(instance, principal, slug)
    except NotFoundError:
        return False
    return True


@pytest.fixture
def world(instance: Instance, tmp_path: Path) -> Instance:
    for org in ("agglo", "transdev", "voisine"):
        create_organization(instance, org, org.title())
    source = tmp_path / "aides.csv"
    source.write_text("commune;montant\nBourg;12\n", encoding="utf-8")
    for slug, access in (("ouvert", "partners"), ("interne", "internal"), ("secret", "restricted")):
        meta = parse_metadata(title=slug, access=access)
        add_version(instance, ADMIN, source, slug, organization="agglo", metadata=meta)
    return instance


def test_an_agreement_opens_within_its_dates_and_status(world: Instance) -> None:
    partner = member(world, "p@transdev.fr", "transdev", "partner")
    tomorrow = date.today() + timedelta(days=1)
    add_agreement(
        world, ADMIN, "futur", title="F", organization="agglo", partner="transdev",
        datasets=["ouvert"], starts_on=tomorrow,
    )  # fmt: skip
    assert not readable(world, again(world, partner), "ouvert")
    add_agreement(
        world, ADMIN, "dsp", title="D", organization="agglo", partner="transdev",
        datasets=["ouvert", "interne"],
    )  # fmt: skip
    partner = again(world, partner)
    assert readable(world, partner, "ouvert") and not readable(world, partner, "interne")
    set_status(world, ADMIN, "dsp", "suspended")
    assert not readable(world, again(world, partner), "ouvert")
    with pytest.raises(InputError, match="avant de commencer"):
        add_agreement(
            world, ADMIN, "x", title="X", organization="agglo", partner="transdev",
            datasets=["ouvert"], starts_on=tomorrow, ends_on=date.today(),
        )  # fmt: skip
    with pytest.raises(InputError, match="autre organisation"):
        add_agreement(
            world, ADMIN, "y", title="Y", organization="agglo", partner="agglo",
            datasets=["ouvert"],
        )  # fmt: skip


def test_grants_reach_by_beneficiary_and_are_revocable(world: Instance) -> None:
    neighbour = member(world, "a@voisine.fr", "voisine", "agent")
    to_org = add_grant(world, ADMIN, "interne", organization="voisine")
    add_grant(world, ADMIN, "secret", organization="voisine")  # an org never opens restricted
    neighbour = again(world, neighbour)
    assert readable(world, neighbour, "interne") and not readable(world, neighbour, "secret")
    add_grant(world, ADMIN, "secret", email="a@voisine.fr")
    assert readable(world, again(world, neighbour), "secret")
    revoke_grant(world, ADMIN, to_org.id)
    assert not readable(world, again(world, neighbour), "interne")
    with pytest.raises(NotFoundError):
        revoke_grant(world, ADMIN, to_org.id)
    with pytest.raises(InputError):
        add_grant(world, ADMIN, "interne", organization="voisine", rows="montant >")


def test_editors_and_stewards(world: Instance) -> None:
    officer = member(world, "cdo@agglo.fr", "agglo", "data_officer")
    update_dataset(world, officer, "interne", parse_metadata(title="Renommé"))
    with pytest.raises(NotFoundError):
        update_dataset(world, officer, "secret", parse_metadata(title="Non"))
    steward = member(world, "s@agglo.fr", "agglo", "steward")
    with pytest.raises(NotFoundError):
        update_dataset(world, steward, "secret", parse_metadata(title="Non"))
    set_steward(world, ADMIN, "secret", "s@agglo.fr")
    update_dataset(world, steward, "secret", parse_metadata(title="Oui"))
    assert get_entry(world, steward, "secret").dataset.title == "Oui"
    outsider = create_user(world, "x@voisine.fr", PASSWORD)
    assert outsider.id
    with pytest.raises(InputError, match="membre"):
        set_steward(world, ADMIN, "secret", "x@voisine.fr")
    # The officer may not open a personal dataset to the public (once it is in the register).
    create_activity(world, ADMIN, "agglo", "ouvert", parse_fields({"name": "Ouvert"}))
    link_dataset(world, ADMIN, "ouvert", "ouvert")
    update_dataset(world, officer, "ouvert", parse_metadata(personal_data=True))
    with pytest.raises(InputError, match="données personnelles"):
        update_dataset(world, officer, "ouvert", parse_metadata(access="public"))
