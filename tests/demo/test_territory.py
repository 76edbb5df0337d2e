"""The demo territory: real communes of the Ain with their codes, a plausible organization."""

from __future__ import annotations

import re

from socle.core.metadata import check_slug
from socle.demo import demo_organization
from socle.demo.territory import COMMUNES, ORGANIZATION_SIRET, luhn_valid, of, with_luhn_key


def test_communes_keep_their_real_codes() -> None:
    codes = [c.insee for c in COMMUNES]
    assert len(set(codes)) == len(codes) == 15
    assert all(re.fullmatch(r"01\d{3}", c.insee) for c in COMMUNES)
    assert all(re.fullmatch(r"01\d{3}", c.postal_code) for c in COMMUNES)
    by_name = {c.name: c.insee for c in COMMUNES}
    assert by_name["Bourg-en-Bresse"] == "01053"
    assert by_name["Montagnat"] == "01254"
    assert by_name["Saint-Denis-lès-Bourg"] == "01344"


def test_communes_lie_around_bourg_en_bresse() -> None:
    assert all(5.0 < c.lon < 5.4 and 46.0 < c.lat < 46.35 for c in COMMUNES)
    assert all(c.population > 0 and c.area_km2 > 0 for c in COMMUNES)


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert with_luhn_key("7992739871") == "79927398713"


def test_organization() -> None:
    org = demo_organization()
    assert check_slug(org.slug) == org.slug
    assert re.fullmatch(r"\d{9}", org.siren) and luhn_valid(org.siren)
    assert ORGANIZATION_SIRET.startswith(org.siren) and luhn_valid(ORGANIZATION_SIRET)
    assert len(ORGANIZATION_SIRET) == 14
    assert org.kind == "EPCI / communauté d'agglomération"
    assert org.name and org.description and org.website.startswith("https://")


def test_french_elision() -> None:
    assert of("Attignat") == "d'Attignat"
    assert of("Viriat") == "de Viriat"
