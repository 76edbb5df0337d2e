"""Column profiles and semantic types: exact figures on small files, then real messy CSVs.

Semantic detection (``socle.quality.semantic``) is tested here too: it is the profile's
``semanticType``, and the real files exercise both at once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.ingest import ReadOptions, read_file
from socle.quality.profile import profile_parquet
from socle.quality.semantic import SEMANTIC_TYPES, Semantic, detect, name_hints
from socle.sql import identifier

SCHEMA = {
    "fields": [
        {"name": "txt", "type": "string"},
        {"name": "n", "type": "integer"},
        {"name": "x", "type": "number"},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "flag", "type": "boolean"},
        {"name": "geom", "type": "geojson"},
    ]
}
POINT = '{"type": "Point", "coordinates": [2.35, 48.86]}'
ROWS = [
    ("b", 1, 0.0, "2024-01-01", "2024-01-01 00:00:00", True, POINT),
    ("a", 2, 0.5, "2024-01-01", "2024-01-01 12:00:00", False, POINT),
    ("b", 2, 1.0, "2024-01-02", "2024-01-02 00:00:00", True, None),
    ("", 3, "nan", "2024-01-05", None, None, ""),
    (None, None, "inf", "2024-01-10", None, True, None),
    ("c", 5, None, None, None, True, None),
    ("b", 6, 2.0, None, None, True, None),
    ("a", 7, 1.5, None, None, True, None),
    ("b", 8, 1.0, None, None, True, None),
    ("", 9, 1.0, None, None, True, None),
]


def write_parquet(path: Path, rows: list[tuple[Any, ...]], types: dict[str, str]) -> Path:
    """A Parquet file with the given DuckDB column types (values bound, never in SQL)."""
    con = duckdb.connect()
    columns = ", ".join(f"{identifier(name)} {type_}" for name, type_ in types.items())
    con.execute(f"CREATE TABLE t ({columns})")
    if rows:
        marks = ", ".join("?" for _ in types)
        con.executemany(f"INSERT INTO t VALUES ({marks})", [list(r) for r in rows])
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    con.close()
    return path


@pytest.fixture
def known(tmp_path: Path) -> dict[str, Any]:
    types = {
        "txt": "VARCHAR",
        "n": "BIGINT",
        "x": "DOUBLE",
        "day": "DATE",
        "at": "TIMESTAMP",
        "flag": "BOOLEAN",
        "geom": "VARCHAR",
    }
    path = write_parquet(tmp_path / "data.parquet", ROWS, types)
    profile = profile_parquet(path, SCHEMA, top=3, bins=4)
    return {f["name"]: f for f in profile["fields"]} | {"": profile}


def test_counts_and_top_values(known: dict[str, Any]) -> None:
    assert known[""]["rows"] == 10
    assert known[""]["seconds"] >= 0
    txt = known["txt"]
    assert (txt["nulls"], txt["distinct"], txt["distinctApprox"]) == (3, 3, False)
    assert txt["top"] == [
        {"value": "b", "count": 4},
        {"value": "a", "count": 2},
        {"value": "c", "count": 1},
    ]
    assert (txt["minLength"], txt["maxLength"], txt["min"], txt["histogram"]) == (1, 1, None, None)
    assert known["flag"]["top"] == [{"value": True, "count": 8}, {"value": False, "count": 1}]
    assert (known["flag"]["min"], known["flag"]["max"], known["flag"]["nulls"]) == (False, True, 1)


def test_numbers(known: dict[str, Any]) -> None:
    n = known["n"]
    assert (n["nulls"], n["distinct"], n["min"], n["max"]) == (1, 8, 1, 9)
    assert n["mean"] == pytest.approx(43 / 9)
    assert n["top"][0] == {"value": 2, "count": 2}
    # Whole-width bins of 3 over 1..9: [1, 4), [4, 7), [7, 10).
    assert n["histogram"] == {"edges": [1, 4, 7, 10], "counts": [4, 2, 3]}
    x = known["x"]
    # NaN and infinity are no usable number: counted as missing, like NULL.
    assert (x["nulls"], x["distinct"], x["min"], x["max"], x["mean"]) == (3, 5, 0.0, 2.0, 1.0)
    assert x["top"] == [
        {"value": 1.0, "count": 3},
        {"value": 0.0, "count": 1},
        {"value": 0.5, "count": 1},
    ]
    assert x["histogram"] == {"edges": [0.0, 0.5, 1.0, 1.5, 2.0], "counts": [1, 1, 3, 2]}


def test_dates_and_nested_text(known: dict[str, Any]) -> None:
    day = known["day"]
    assert (day["nulls"], day["distinct"], day["min"], day["max"]) == (
        5,
        4,
        "2024-01-01",
        "2024-01-10",
    )
    assert day["mean"] is None
    assert day["top"][0] == {"value": "2024-01-01", "count": 2}
    assert day["histogram"] == {
        "edges": ["2024-01-01", "2024-01-04", "2024-01-07", "2024-01-10", "2024-01-13"],
        "counts": [3, 1, 0, 1],
    }
    at = known["at"]
    assert (at["min"], at["max"]) == ("2024-01-01T00:00:00", "2024-01-02T00:00:00")
    assert at["histogram"] == {
        "edges": [
            "2024-01-01T00:00:00",
            "2024-01-01T06:00:00",
            "2024-01-01T12:00:00",
            "2024-01-01T18:00:00",
            "2024-01-02T00:00:00",
        ],
        "counts": [1, 0, 1, 1],
    }
    geom = known["geom"]
    assert (geom["nulls"], geom["distinct"], geom["histogram"]) == (8, 1, None)
    assert (geom["minLength"], geom["maxLength"]) == (len(POINT), len(POINT))
    assert geom["top"] == [{"value": POINT, "count": 2}]


def test_profile_is_strict_json(known: dict[str, Any]) -> None:
    text = json.dumps(known[""], allow_nan=False)
    assert json.loads(text)["fields"][0]["name"] == "txt"


def test_empty_file_and_options(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "empty.parquet", [], {"n": "BIGINT", "s": "VARCHAR"})
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "s", "type": "string"}]}
    profile = profile_parquet(path, schema, memory_limit="64MB", top=0)
    assert profile["rows"] == 0
    assert [(f["nulls"], f["distinct"], f["top"], f["histogram"]) for f in profile["fields"]] == [
        (0, 0, [], None),
        (0, 0, [], None),
    ]
    with pytest.raises(ValueError, match="bins"):
        profile_parquet(path, schema, bins=0)


def test_long_text_is_cut_in_top_values(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "long.parquet", [("é" * 500,)], {"s": "VARCHAR"})
    profile = profile_parquet(path, {"fields": [{"name": "s", "type": "string"}]})
    field = profile["fields"][0]
    assert field["maxLength"] == 500
    assert field["top"] == [{"value": "é" * 200, "count": 1}]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-(2**40), 2**40)),
            st.one_of(st.none(), st.floats(width=32)),
            st.one_of(st.none(), st.sampled_from(["", "a", "b", "ç", "01001"])),
        ),
        max_size=40,
    )
)
def test_counts_add_up(
    tmp_path: Path, rows: list[tuple[int | None, float | None, str | None]]
) -> None:
    path = write_parquet(
        tmp_path / "h.parquet", rows, {"n": "BIGINT", "x": "DOUBLE", "s": "VARCHAR"}
    )
    schema = {
        "fields": [
            {"name": "n", "type": "integer"},
            {"name": "x", "type": "number"},
            {"name": "s", "type": "string"},
        ]
    }
    profile = profile_parquet(path, schema, top=3, bins=5)
    assert profile["rows"] == len(rows)
    present: dict[str, list[Any]] = {
        "n": [n for n, _, _ in rows if n is not None],
        "x": [x for _, x, _ in rows if x is not None and math.isfinite(x)],
        "s": [s for _, _, s in rows if s],
    }
    for field in profile["fields"]:
        values = present[field["name"]]
        assert field["nulls"] + len(values) == len(rows)
        assert field["distinct"] == len(set(values))
        counts = [t["count"] for t in field["top"]]
        assert counts == sorted(counts, reverse=True)
        assert sum(counts) <= len(values)
        if field["name"] == "s":
            continue
        if values:
            assert (field["min"], field["max"]) == (min(values), max(values))
            assert sum(field["histogram"]["counts"]) == len(values)
            assert len(field["histogram"]["edges"]) == len(field["histogram"]["counts"]) + 1
        else:
            assert field["histogram"] is None


# --- semantic types on small tables ---


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def semantic_of(
    con: duckdb.DuckDBPyConnection, name: str, values: list[Any], type_: str = "string"
) -> Semantic | None:
    sql_type = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE"}[type_]
    con.execute(f"CREATE OR REPLACE TABLE t ({identifier(name)} {sql_type})")
    con.executemany("INSERT INTO t VALUES (?)", [[v] for v in values])
    return detect(con, "t", {name: type_}).get(name)


def type_of(
    con: duckdb.DuckDBPyConnection, name: str, values: list[Any], type_: str = "string"
) -> str | None:
    found = semantic_of(con, name, values, type_)
    return found.type if found else None


VALID_SIRETS = ["73282932000074", "44306184100047", "35600000000048", "130 025 265 00013"]


def test_siret_and_siren_need_a_valid_key(con: duckdb.DuckDBPyConnection) -> None:
    assert semantic_of(con, "id", VALID_SIRETS) == Semantic("siret", 1.0)
    # The same 14 digits with a wrong key (Luhn) are no SIRET, nor anything else.
    assert type_of(con, "id", ["73282932000075", "44306184100048", "13002526500012"]) is None
    # La Poste's establishments: SIREN 356000000, key by digit sum (this one fails Luhn).
    assert type_of(con, "id", ["35600000000001"]) == "siret"
    assert type_of(con, "id", [73282932000074, 44306184100047], "integer") == "siret"
    assert type_of(con, "siren", ["552100554", "552 100 554", None]) == "siren"
    assert type_of(con, "siren", ["552100555"]) is None


def test_share_threshold(con: duckdb.DuckDBPyConnection) -> None:
    nine_of_ten = ["73282932000074"] * 9 + ["n/a"]
    assert semantic_of(con, "siret", nine_of_ten) == Semantic("siret", 0.9)
    assert type_of(con, "siret", ["73282932000074"] * 8 + ["n/a"] * 2) is None
    # Booleans must all be booleans: a few 1s are not enough to call 1..9 a yes/no column.
    assert type_of(con, "est_actif", ["oui", "non", "Oui", "NON"]) == "booleen"
    assert type_of(con, "est_actif", ["oui"] * 19 + ["peut-être"]) is None
    assert type_of(con, "ouvert", [0, 1, 1], "integer") == "booleen"


def test_five_digit_codes_by_name_and_corsica(con: duckdb.DuckDBPyConnection) -> None:
    codes = ["01001", "75056", "69123"]
    assert type_of(con, "code_insee", codes) == "code_commune"
    assert type_of(con, "DEPCOM", codes) == "code_commune"
    assert type_of(con, "code_postal", ["01000", "75001"]) == "code_postal"
    assert type_of(con, "CP", ["01000", "75001"]) == "code_postal"
    # Without a hint five digits could be either: no type. A Corsican code settles it.
    assert type_of(con, "code", codes) is None
    assert type_of(con, "code", [*codes, "2A004", "2B033"]) == "code_commune"
    # INSEE codes read as integers lost their leading zero: no longer codes.
    assert type_of(con, "insee", [1001, 1002, 1004], "integer") is None
    assert type_of(con, "code_insee", ["01000", "00123"]) is None


def test_departements_and_regions_need_their_name(con: duckdb.DuckDBPyConnection) -> None:
    departements = ["01", "2A", "2B", "971", "95"]
    assert type_of(con, "code_departement", departements) == "code_departement"
    assert type_of(con, "Code _officiel_département", departements) == "code_departement"
    assert type_of(con, "numero", departements) is None
    assert type_of(con, "code_departement", ["20", "96"]) is None
    assert type_of(con, "code_region", ["84", "11", "94"]) == "code_region"
    assert type_of(con, "code_region", ["84", "55"]) is None


def test_contacts_and_web(con: duckdb.DuckDBPyConnection) -> None:
    phones = ["01 23 45 67 89", "+33 6 12 34 56 78", "06.12.34.56.78", "0033612345678"]
    assert type_of(con, "telephone", phones) == "tel_fr"
    assert type_of(con, "telephone", ["6625388263", "01288398"]) is None
    assert type_of(con, "mail", ["alice@example.com", "b.c+d@mairie-x.fr"]) == "email"
    assert type_of(con, "mail", ["alice@", "@alice42"]) is None
    assert type_of(con, "site", ["https://www.data.gouv.fr", "http://x.fr/a?b=1"]) == "url"


def test_dates_years_and_coordinates(con: duckdb.DuckDBPyConnection) -> None:
    assert type_of(con, "d", ["2024-01-31", "31/01/2024", "2013.01.26"]) == "date"
    assert type_of(con, "d", ["2024-02-30", "31/02/2024"]) is None
    assert type_of(con, "d", ["2021-06-15T14:30:00+02:00", "1999-12-31T23:59:59Z"]) == (
        "datetime_aware"
    )
    assert type_of(con, "d", ["2021-06-15 14:30:00", "2021-06-15T14:30"]) == "datetime_naive"
    assert type_of(con, "d", ["2021-06-15 25:30:00"]) is None
    assert type_of(con, "annee", [2017, 1998], "integer") == "year"
    assert type_of(con, "annee", [1850, 2017], "integer") is None
    assert type_of(con, "lat", [48.85, 43.3], "number") == "latitude_wgs"
    assert type_of(con, "Xlong", [2.35, -0.65], "number") == "longitude_wgs"
    assert type_of(con, "latitude", ["48,85", "43,30"]) == "latitude_wgs"
    # Lambert 93 metres are out of range; whole numbers and unnamed columns are not taken.
    assert type_of(con, "y", [6838286.4, 6225601.11], "number") is None
    assert type_of(con, "lat", [45.0, 43.0], "number") is None
    assert type_of(con, "mesure", [48.85, 43.3], "number") is None


def test_name_hints() -> None:
    assert name_hints("NUMCOM") == {"insee"}
    assert name_hints("commune_insee") == {"insee"}
    assert name_hints("Code _officiel_département") == {"departement"}
    assert name_hints("Ylat") == {"latitude"}
    assert name_hints("long_wgs84") == {"longitude"}
    assert name_hints("idBeneficiaire") == set()
    assert name_hints("consolidated_code_postal") == {"postal"}


# --- real files from ../shared/data/messy-csv ---


def profiled(source: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    dest = tmp_path / f"{source.stem}.parquet"
    result = read_file(source, dest, ReadOptions())
    profile = profile_parquet(dest, result.schema)
    json.dumps(profile, allow_nan=False)
    return {f["name"]: f for f in profile["fields"]}


def semantics(fields: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: f["semanticType"] for name, f in fields.items() if f["semanticType"]}


SCDL_SIRET = {
    "DEP_Lot_Subventions_2017_DONNEES.xlsx_pour_exemple.csv": ("idAttribuant", "idBeneficiaire"),
    "DEP_Somme_TB_20180302_DONNEES_CONVENTIONS.csv": ("idAttribuant", "idBeneficiaire"),
    "DEP_Somme_TB_20180330_DONNEES_CONVENTIONS.csv": ("idAttribuant", "idBeneficiaire"),
    "SCDL_DEP_Haute_Garonne_datalocale-subvention.csv": ("idAttribuant", "idBeneficiaire"),
}


@pytest.mark.parametrize("name", sorted(SCDL_SIRET))
def test_scdl_subventions_siret(shared_data: Path, tmp_path: Path, name: str) -> None:
    fields = profiled(shared_data / "messy-csv" / "collectivites-subventions-scdl" / name, tmp_path)
    for column in SCDL_SIRET[name]:
        assert fields[column]["semanticType"] == "siret", column
        assert fields[column]["semanticShare"] == 1.0
    assert fields["dateConvention"]["type"] == "date"
    assert fields["dateConvention"]["histogram"]["edges"][0] == fields["dateConvention"]["min"]


def test_scdl_siren_and_float_sirets(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "messy-csv" / "collectivites-subventions-scdl"
    nievre = profiled(folder / "DEP_Nievre_CD58_SUBVENTIONS_2016_LISTE.csv", tmp_path)
    # Named SIRET, holds 9-digit SIRENs: the values decide.
    assert nievre["COLL_SIRET"]["semanticType"] == "siren"
    poitiers = profiled(folder / next(folder.glob("SCDL_COM_Poitiers_*")).name, tmp_path)
    # Exported as floats (21860194600000.0): the establishment number is lost, no SIRET left.
    assert poitiers["COLL_SIRET"]["top"][0]["value"] == "21860194600000.0"
    assert poitiers["COLL_SIRET"]["semanticType"] is None
    assert poitiers["ANNEE"]["semanticType"] == "year"
    assert poitiers["ACTE_DATE"]["type"] == "date"


def test_covoiturage_corsican_insee_codes(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "messy-csv" / "covoiturage-transport-data-gouv"
    fields = profiled(folder / "csv_latin1.csv", tmp_path)
    assert fields["insee"]["top"][0] == {"value": "2A004", "count": 6}
    assert semantics(fields) == {
        "insee": "code_commune",
        "source": "siren",
        "Xlong": "longitude_wgs",
        "Ylat": "latitude_wgs",
        "Code _officiel_région": "code_region",
        "Code _officiel_département": "code_departement",
        "Ouvert (binaire)": "booleen",
    }
    assert fields["date_maj"]["min"] == "2019-08-28"
    utf8 = profiled(folder / "csv_utf8.csv", tmp_path)
    assert utf8["insee"]["semanticType"] == "code_commune"


def test_base_adresse_locale(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "messy-csv" / "bal-base-adresse-locale"
    locales = profiled(folder / "locales.csv", tmp_path)
    assert locales["commune_insee"]["top"] == [{"value": "01001", "count": 2}]
    assert locales["commune_insee"]["semanticType"] == "code_commune"
    sample = profiled(folder / "sample.csv", tmp_path)
    # Dates written 2013.01.26 and 2013-01-26 in one column stay text, recognised as dates.
    assert (sample["date_der_maj"]["type"], sample["date_der_maj"]["semanticType"]) == (
        "string",
        "date",
    )
    assert (sample["lat"]["semanticType"], sample["long"]["semanticType"]) == (
        "latitude_wgs",
        "longitude_wgs",
    )
    # x / y are Lambert 93 metres, not degrees.
    assert (sample["x"]["semanticType"], sample["y"]["semanticType"]) == (None, None)


def test_same_formats_as_csv_detective(shared_data: Path, tmp_path: Path) -> None:
    """csv-detective's expected analysis of its own fixture, column by column.

    Where it names one of Socle's semantic types, Socle finds the same. Its other formats
    are not semantic types here: storage types (int, float), JSON (json, geojson), and
    names checked against reference lists (commune, departement), which Socle does not ship.
    """
    folder = shared_data / "messy-csv" / "csv-detective-fixtures" / "tests-data"
    expected = json.loads((folder / "a_test_file.json").read_text())["columns"]
    fields = profiled(folder / "a_test_file.csv", tmp_path)
    assert set(fields) == set(expected)
    ours = {name: f["semanticType"] for name, f in fields.items()}
    theirs = {
        name: c["format"] if c["format"] in SEMANTIC_TYPES else None for name, c in expected.items()
    }
    assert ours == theirs
    assert {n for n, t in theirs.items() if t} == {"NUMCOM", "NUMEPCI"}
    b_file = profiled(folder / "b_test_file.csv", tmp_path)
    assert semantics(b_file) == {
        "code_departement": "code_departement",
        "code_region": "code_region",
    }
    assert b_file["partly_empty"]["nulls"] == 3


def test_csv_detective_test_files(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "messy-csv" / "csv-detective-fixtures" / "test_files"
    assert semantics(profiled(folder / "ids_fr.csv", tmp_path)) == {"siret": "siret"}
    assert semantics(profiled(folder / "web_ids.csv", tmp_path)) == {
        "annee": "year",
        "email": "email",
        "site_web": "url",
    }
    assert semantics(profiled(folder / "divers.csv", tmp_path)) == {"telephone": "tel_fr"}
    assert semantics(profiled(folder / "simple.csv", tmp_path)) == {"est_actif": "booleen"}
    dvf = profiled(folder / "ValeursFoncieres-2024.txt", tmp_path)
    # DVF writes postal codes as numbers (1230 for 01230): left without a type.
    assert dvf["Code postal"]["semanticType"] is None
    assert dvf["Code departement"]["semanticType"] == "code_departement"
    assert dvf["Date mutation"]["type"] == "date"
