"""The demo's partner: a plausible contractor, an obligation its delivery answers on time."""

from __future__ import annotations

import re

from socle.core.metadata import check_slug
from socle.demo import demo_datasets
from socle.demo.partner import (
    DELIVERED,
    DELIVERED_AT,
    ENDS_ON,
    FIRST_DUE_ON,
    PARTNER,
    STARTS_ON,
)
from socle.demo.territory import luhn_valid


def test_partner_is_a_plausible_company() -> None:
    assert check_slug(PARTNER.slug) == PARTNER.slug
    assert re.fullmatch(r"\d{9}", PARTNER.siren) and luhn_valid(PARTNER.siren)
    assert PARTNER.website.startswith("https://") and "fictive" in PARTNER.description


def test_the_delivery_answers_the_first_due_date_in_time() -> None:
    assert DELIVERED in {d.slug for d in demo_datasets()}
    assert STARTS_ON <= DELIVERED_AT.date() <= FIRST_DUE_ON <= ENDS_ON
