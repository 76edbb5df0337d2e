"""ODSQL's extensions: ranges, multivalued ``in``, startswith, date functions, aggregates,
``group_by`` on functions — and the same guarantees: typed, bound, never a crash."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.engine import RecordQuery, run_records
from socle.engine.functions import strftime_pattern
from socle.errors import InputError, LimitExceededError, QuerySyntaxError

Version = tuple[list[Path], dict]  # type: ignore[type-arg]


def communes(version: Version, where: str) -> list[object]:
    _, rows = run_records(*version, RecordQuery(where=where, order_by="jour", limit=100))
    return [r["commune"] for r in rows]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("comptage in [45..120]", ["Bourg-en-Bresse", "Viriat"]),
        ("comptage in ]45..120]", ["Bourg-en-Bresse"]),
        ("comptage in [45..120[", ["Viriat"]),
        ("comptage in ]45..120[", []),
        ("taux in [-3..0.5]", ["Bourg-en-Bresse", "Viriat"]),
        ("jour in [date'2024-01-02'..'2024-01-03']", ["Péronnas", "Viriat"]),
        ("code_insee in ['01000'..'01100']", ["Bourg-en-Bresse", None]),
        ("'vélo' in mode", ["Bourg-en-Bresse", "Viriat", "Péronnas"]),
        ("01289 in code_insee", ["Péronnas", "Péronnas"]),
        ("startswith(commune, 'Pé')", ["Péronnas", "Péronnas"]),
        ("startswith(code_insee, '014')", ["Viriat"]),
        ("year(jour) = 2024 and day(jour) >= 4", ["Péronnas", None]),
        ("month(jour) = 2", []),
        ("day(jour) in [2..3]", ["Péronnas", "Viriat"]),
        ("date_format(jour, 'yyyy-MM-dd') = '2024-01-03'", ["Viriat"]),
        ("date_format(jour, 'dd/MM/yyyy') = '01/01/2024'", ["Bourg-en-Bresse"]),
    ],
)
def test_where_extensions(version: Version, where: str, expected: list[object]) -> None:
    assert communes(version, where) == expected


def test_aggregates_median_and_percentile(version: Version) -> None:
    select = (
        "count(*) as n, count(distinct mode) as modes, median(comptage) as med, "
        "percentile(comptage, 50) as p50, min(jour), max(taux)"
    )
    total, [row] = run_records(*version, RecordQuery(select=select))
    assert total == 1
    assert row["n"] == 5 and row["modes"] == 2
    assert row["med"] == row["p50"] == 82.5  # comptage: 7, 45, 120, 310
    assert row["min(jour)"] == "2024-01-01"
    assert row["max(taux)"] == 2.0


def test_group_by_adds_its_keys_to_the_answer(version: Version) -> None:
    total, rows = run_records(
        *version, RecordQuery(select="count(*) as n", group_by="mode", order_by="n desc")
    )
    assert total == 2
    assert rows == [{"mode": "vélo", "n": 3}, {"mode": "voiture", "n": 2}]
    _, keys_only = run_records(*version, RecordQuery(group_by="mode", order_by="mode"))
    assert keys_only == [{"mode": "vélo"}, {"mode": "voiture"}]


def test_group_by_range_and_dates(version: Version) -> None:
    _, rows = run_records(
        *version,
        RecordQuery(
            select="count(*) as n",
            group_by="range(comptage, 100) as tranche",
            where="comptage is not null",
            order_by="tranche",
        ),
    )
    assert rows == [{"tranche": 0, "n": 2}, {"tranche": 100, "n": 1}, {"tranche": 300, "n": 1}]
    _, by_month = run_records(
        *version,
        RecordQuery(select="sum(comptage) as total", group_by="date_format(jour, 'yyyy-MM')"),
    )
    assert by_month == [{"date_format(jour, 'yyyy-MM')": "2024-01", "total": 482}]
    _, by_year = run_records(
        *version, RecordQuery(select="avg(taux) as t", group_by="year(jour) as annee, mode")
    )
    assert {(r["annee"], r["mode"]) for r in by_year} == {(2024, "vélo"), (2024, "voiture")}


def test_order_by_aggregate_and_function(version: Version) -> None:
    _, rows = run_records(
        *version,
        RecordQuery(select="sum(comptage) as s", group_by="mode", order_by="sum(comptage) desc"),
    )
    assert [r["mode"] for r in rows] == ["voiture", "vélo"]
    _, by_day = run_records(*version, RecordQuery(select="commune", order_by="day(jour) desc"))
    assert by_day[0]["commune"] is None  # 5 January first


def test_date_patterns_come_from_an_allow_list() -> None:
    assert strftime_pattern("yyyy-MM-dd HH:mm:ss") == "%Y-%m-%d %H:%M:%S"
    for hostile in ("yyyy'); DROP", "%Y", "yyyy-MM' || '", "E"):
        with pytest.raises(ValueError, match="non pris en charge"):
            strftime_pattern(hostile)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"where": "within_distance(commune, geom'POINT(5.2 46.2)', 1km)"}, "pas un champ géo"),
        ({"where": "in_bbox(geometry, 46, 5, 47)"}, "s'écrit in_bbox"),
        ({"where": "intersects(geometry, geom'POLYGON((0 0, 1 0, 1 1))')"}, "illisible"),
        ({"where": "year(commune) = 2024"}, "s'applique à une date"),
        ({"where": "date_format(jour, 'yyyy%') = 'x'"}, "Motif de date"),
        ({"where": "date_format(jour) = 'x'"}, "attend un motif"),
        ({"where": "comptage in [1..'beaucoup']"}, "n'est pas un nombre"),
        ({"where": "mode in mode"}, "une valeur est attendue"),
        ({"group_by": "range(commune, 10)"}, "numérique"),
        ({"group_by": "range(comptage, 0)"}, "pas positif"),
        ({"group_by": "range(comptage, -5)"}, "pas positif"),
        ({"select": "percentile(comptage, 101)"}, "entre 0 et 100"),
        ({"select": "percentile(comptage)"}, "percentile"),
        ({"select": "avg(comptage, 3)"}, "percentile"),
        ({"select": "median(*)"}, "count"),
        ({"group_by": "year(jour) as"}, "incomplète"),
    ],
)
def test_extension_errors_are_clear(version: Version, params: dict[str, str], message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        run_records(*version, RecordQuery(**params))  # type: ignore[arg-type]


FRAGMENTS = [
    "comptage", "jour", "mode", "commune", "in", "[", "]", "..", "(", ")", ",", "'vélo'", "1",
    "2.5", "date'2024-01-01'", "year(", "date_format(", "'yyyy-MM'", "range(", "startswith(",
    "percentile(", "median(", "count(", "*", "distinct", "and", "or", "not", "=", ">", "as",
    "within_distance(", "geom'POINT(1 2)'", "1km", "'", "`", ";", "--",
]  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=14))
def test_odsql_fragments_never_crash(version: Version, parts: list[str]) -> None:
    text = " ".join(parts)
    for parameter in ("where", "select", "order_by", "group_by"):
        with contextlib.suppress(QuerySyntaxError, LimitExceededError, InputError):
            run_records(*version, RecordQuery(**{parameter: text}))  # type: ignore[arg-type]


def test_multivalued_fields(tmp_path: Path) -> None:
    table = pa.table({"nom": ["a", "b", "c"], "tags": [["vélo", "bus"], ["bus"], []]})
    pq.write_table(table, tmp_path / "t.parquet")
    version = (
        [tmp_path / "t.parquet"],
        {"fields": [{"name": "nom"}, {"name": "tags", "type": "array"}]},
    )

    def names(where: str) -> list[str]:
        _, rows = run_records(*version, RecordQuery(where=where, order_by="nom"))
        return [r["nom"] for r in rows]

    assert names("'bus' in tags") == ["a", "b"]
    assert names("tags = 'vélo'") == ["a"]
    assert names("tags != 'vélo'") == ["b", "c"]
    assert names("tags in ('vélo', 'train')") == ["a"]
    assert names("search(tags, 'VELO')") == ["a"]
    assert names("'velo'") == ["a"]
