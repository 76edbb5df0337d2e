"""The query language: every syntax element, typed comparisons, errors and hostile input."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.engine import RecordQuery, run_records
from socle.errors import InputError, LimitExceededError, QuerySyntaxError

Version = tuple[list[Path], dict]  # type: ignore[type-arg]


def communes(version: Version, **params: object) -> tuple[int, list[object]]:
    query = RecordQuery(**{"limit": 100, "order_by": "jour", **params})  # type: ignore[arg-type]
    total, rows = run_records(*version, query)
    return total, [r.get("commune") for r in rows]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("mode = 'vélo'", ["Bourg-en-Bresse", "Viriat", "Péronnas"]),
        ('mode = "vélo"', ["Bourg-en-Bresse", "Viriat", "Péronnas"]),
        ("mode != 'vélo'", ["Péronnas", None]),
        ("mode <> 'vélo' and comptage > 100", ["Péronnas"]),
        ("comptage >= 45 and comptage <= 120", ["Bourg-en-Bresse", "Viriat"]),
        ("comptage < 45 or taux < 0", ["Viriat", None]),
        ("not mode = 'vélo'", ["Péronnas", None]),
        ("(mode = 'vélo' or comptage > 300) and code_insee = 01289", ["Péronnas", "Péronnas"]),
        ("code_insee in ('01053', 01451)", ["Bourg-en-Bresse", "Viriat"]),
        ("code_insee not in ('01053')", ["Péronnas", "Viriat", "Péronnas", None]),
        ("commune like 'P%'", ["Péronnas", "Péronnas"]),
        ("commune like '*sse'", ["Bourg-en-Bresse"]),
        ("commune not like 'P%'", ["Bourg-en-Bresse", "Viriat"]),
        ("commune is null", [None]),
        ("comptage is not null and commune is not null", ["Bourg-en-Bresse", "Péronnas", "Viriat"]),
        ("comptage = null", ["Péronnas"]),
        ("jour > date'2024-01-03'", ["Péronnas", None]),
        ("jour = '2024-01-02'", ["Péronnas"]),
        ("taux = '1,25'", ["Péronnas"]),
        ("actif", ["Bourg-en-Bresse", "Viriat", None]),
        ("actif = false", ["Péronnas"]),
        ("actif = 'oui'", ["Bourg-en-Bresse", "Viriat", None]),
        ("search(commune, 'peronnas')", ["Péronnas", "Péronnas"]),
        ("'VIRIAT'", ["Viriat"]),
        ("`nom complet` = 'a'", ["Péronnas"]),
        ("MODE = 'vélo' AND COMPTAGE > 100", ["Bourg-en-Bresse"]),
    ],
)
def test_where(version: Version, where: str, expected: list[object]) -> None:
    if where.startswith(("MODE", "COMPTAGE")):
        with pytest.raises(QuerySyntaxError, match="Champ inconnu « MODE »"):
            communes(version, where=where)
        return
    total, names = communes(version, where=where)
    assert names == expected
    assert total == len(expected)


def test_q_searches_every_text_field_accent_insensitively(version: Version) -> None:
    assert communes(version, q="velo bourg")[1] == ["Bourg-en-Bresse"]
    assert communes(version, q="")[0] == 5


def test_select_aliases_and_aggregates(version: Version) -> None:
    total, rows = run_records(
        *version,
        RecordQuery(
            select="mode, count(*) as n, sum(comptage) as total, avg(taux), "
            "count(distinct code_insee) as communes, min(jour), max(comptage)",
            group_by="mode",
            order_by="total desc",
        ),
    )
    assert total == 2
    assert rows[0] == {
        "mode": "voiture",
        "n": 2,
        "total": 317,
        "avg(taux)": 1.25,
        "communes": 2,
        "min(jour)": "2024-01-02",
        "max(comptage)": 310,
    }


def test_aggregate_without_group_by_is_one_row(version: Version) -> None:
    total, rows = run_records(*version, RecordQuery(select="count(*) as n", where="mode = 'vélo'"))
    assert (total, rows) == (1, [{"n": 3}])


def test_order_by_is_french(version: Version) -> None:
    _, rows = run_records(*version, RecordQuery(select="mode", order_by="mode, comptage desc"))
    assert [r["mode"] for r in rows] == ["vélo", "vélo", "vélo", "voiture", "voiture"]


def test_limit_offset_and_window(version: Version) -> None:
    total, rows = run_records(*version, RecordQuery(order_by="jour", limit=2, offset=1))
    assert total == 5
    assert [r["jour"] for r in rows] == ["2024-01-02", "2024-01-03"]
    with pytest.raises(InputError, match="exports"):
        run_records(*version, RecordQuery(limit=100, offset=9_950))


@pytest.mark.parametrize(
    ("params", "parameter", "position"),
    [
        ({"where": "mode = = 'x'"}, "where", 7),
        ({"where": "mode = 'x"}, "where", 7),
        ({"where": "inconnu = 1"}, "where", 0),
        ({"where": "comptage = 'beaucoup'"}, "where", 11),
        ({"where": "jour = '31/12/2024'"}, "where", 7),
        ({"where": "mode"}, "where", 0),
        ({"select": "sum(mode)"}, "select", 0),
        ({"select": "commune,"}, "select", 8),
        ({"order_by": "comptage sideways"}, "order_by", 9),
        ({"group_by": "nope"}, "group_by", 0),
    ],
)
def test_errors_name_the_parameter_and_position(
    version: Version, params: dict[str, str], parameter: str, position: int
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        run_records(*version, RecordQuery(**params))  # type: ignore[arg-type]
    assert caught.value.parameter == parameter
    assert caught.value.position == position


def test_non_grouped_field_is_a_clear_error(version: Version) -> None:
    with pytest.raises(QuerySyntaxError, match="group_by"):
        run_records(*version, RecordQuery(select="commune, count(*)", group_by="mode"))


@pytest.mark.parametrize(
    "hostile",
    [
        "mode = 'x'; DROP TABLE t; --",
        "mode = 'x' OR 1=1 --",
        "mode = 'x'' OR ''1''=''1'",
        "mode = '\x00'",
        "mode = 'x') UNION SELECT * FROM duckdb_settings() --",
    ],
)
def test_injection_attempts_are_rejected_or_inert(version: Version, hostile: str) -> None:
    try:
        total, _ = run_records(*version, RecordQuery(where=hostile))
    except QuerySyntaxError:
        return
    assert total == 0  # the text was only ever a value


def test_oversized_and_deeply_nested_expressions_are_bounded(version: Version) -> None:
    with pytest.raises(LimitExceededError):
        run_records(*version, RecordQuery(where="mode = 'x' or " * 400 + "mode = 'y'"))
    with pytest.raises(LimitExceededError):
        run_records(*version, RecordQuery(where="(" * 200 + "mode = 'x'" + ")" * 200))
    with pytest.raises((LimitExceededError, QuerySyntaxError)):
        run_records(*version, RecordQuery(where="not " * 300 + "actif"))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_the_parser_never_crashes(version: Version, text: str) -> None:
    for parameter in ("where", "select", "order_by", "group_by"):
        with contextlib.suppress(QuerySyntaxError, LimitExceededError, InputError):
            run_records(*version, RecordQuery(**{parameter: text}))  # type: ignore[arg-type]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.text(
        alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
        max_size=30,
    )
)
def test_values_never_become_sql(version: Version, value: str) -> None:
    quoted = "'" + value.replace("'", "''") + "'"
    total, rows = run_records(*version, RecordQuery(where=f"`nom complet` = {quoted}", limit=100))
    expected = ["=HYPERLINK()", "a", "+b", "@c", "-d"].count(value)
    assert total == expected
    assert all(r["nom complet"] == value for r in rows)
