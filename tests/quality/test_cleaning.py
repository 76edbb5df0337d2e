"""Cleaning steps through ``clean_parquet`` on small Parquet tables, and on real messy files."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.core.tableschema import DUCKDB_TYPES
from socle.errors import InputError
from socle.ingest import ReadOptions, read_file
from socle.quality.cleaning import CleaningResult, clean_parquet, parse_steps, registry

REPO = Path(__file__).resolve().parents[2]
SUBSIDIES = "messy-csv/collectivites-subventions-scdl"
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NBSP, NNBSP = "\u00a0", "\u202f"


def write_table(folder: Path, fields: dict[str, str], rows: list[tuple[Any, ...]]) -> Path:
    """A Parquet file whose columns have the DuckDB types of Table Schema ``fields``."""
    path = folder / "source.parquet"
    columns = ", ".join(f'"{name}" {DUCKDB_TYPES[type_]}' for name, type_ in fields.items())
    with duckdb.connect() as con:
        con.execute(f"CREATE TABLE t ({columns})")
        if rows:
            con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(fields))})", rows)
        con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    return path


def read_rows(path: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect() as con:
        return con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall()


def clean(
    folder: Path, fields: dict[str, str], rows: list[tuple[Any, ...]], steps: str
) -> tuple[CleaningResult, list[tuple[Any, ...]]]:
    source = write_table(folder, fields, rows)
    schema = {"fields": [{"name": n, "type": t} for n, t in fields.items()]}
    target = folder / "clean.parquet"
    result = clean_parquet(source, schema, parse_steps(steps), target)
    return result, read_rows(target)


def column(rows: list[tuple[Any, ...]], index: int = 0) -> list[Any]:
    return [row[index] for row in rows]


def types(result: CleaningResult) -> dict[str, str]:
    return {f["name"]: f["type"] for f in result.schema["fields"]}


# --- each step -------------------------------------------------------------------------------


def test_trim_strips_and_collapses_every_kind_of_space(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path,
        {"t": "string", "n": "integer", "u": "string"},
        [
            (f"  a{NBSP} b\t ", 1, "ok"),
            (f"{NNBSP}c{NNBSP}{NNBSP}d{NBSP}", 2, "ok"),
            ("   ", 3, " x"),
            ("line\nbreak", 4, None),
            ("clean", 5, "ok"),
        ],
        "- step: trim",
    )
    assert column(rows) == ["a b", "c d", None, "line\nbreak", "clean"]
    assert column(rows, 1) == [1, 2, 3, 4, 5]
    assert column(rows, 2) == ["ok", "ok", "x", None, "ok"]
    # Every text column is looked at; the integer column is not touched.
    assert result.log == [
        {
            "step": "trim",
            "params": {},
            "changed": {"t": 3, "u": 1},
            "nulled": {},
            "renamed": {},
            "rowsRemoved": 0,
        }
    ]


def test_trim_only_named_columns(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path, {"a": "string", "b": "string"}, [(" x ", " y ")], "- {step: trim, columns: b}"
    )
    assert rows == [(" x ", "y")]
    assert result.log[0]["changed"] == {"b": 1}


def test_fix_mojibake_repairs_only_mojibake(tmp_path: Path) -> None:
    cells = {
        "Ã©tÃ©": "été",
        "dixiÃ¨me Ã©dition": "dixième édition",
        f"Ã{NBSP} la Commission EuropÃ©enne": "à la Commission Européenne",
        "Ã  la mairie": "à la mairie",
        "jusquâ€™au 31 â€“ fin": "jusqu’au 31 – fin",
        "Mise en Å“uvre": "Mise en œuvre",
        f"25Â°C, Â«Â{NBSP}citÃ©Â{NBSP}Â»": f"25°C, «{NBSP}cité{NBSP}»",
        "ï»¿nom": "nom",
        "ðŸ˜€ merci": "😀 merci",
        # Genuine accents next to mojibake: each sequence is repaired on its own.
        "été Ã©tÃ©": "été été",
        # Not mojibake: a real É before a non-breaking space, a real Â, plain text.
        f"CAFÉ{NBSP}!": f"CAFÉ{NBSP}!",
        "CHÂTEAU": "CHÂTEAU",
        "Ã": "Ã",
        "plain": "plain",
    }
    result, rows = clean(
        tmp_path, {"t": "string"}, [(c,) for c in [*cells, None]], "- step: fix-mojibake"
    )
    assert column(rows) == [*cells.values(), None]
    assert result.log[0]["changed"] == {"t": sum(old != new for old, new in cells.items())}


def test_fix_mojibake_twice_repairs_double_encoding(tmp_path: Path) -> None:
    _, rows = clean(
        tmp_path,
        {"t": "string"},
        [("ÃƒÂ©tÃƒÂ©",)],
        "- step: fix-mojibake\n- step: fix-mojibake",
    )
    assert rows == [("été",)]


def test_parse_dates_reads_french_forms(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path,
        {"d": "string", "other": "string"},
        [
            ("31/12/2024", "31/12/2024"),
            ("1/2/2024", None),
            ("01/02/24", None),
            ("31/12/99", None),
            ("31-12-2024", None),
            ("2024-12-31", None),
            (" 2024-12-30 ", None),
            ("", None),
            (None, None),
        ],
        "- {step: parse-dates, columns: [d]}",
    )
    assert column(rows) == [
        dt.date(2024, 12, 31),
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 1),
        dt.date(1999, 12, 31),
        dt.date(2024, 12, 31),
        dt.date(2024, 12, 31),
        dt.date(2024, 12, 30),
        None,
        None,
    ]
    assert column(rows, 1)[0] == "31/12/2024"
    assert types(result) == {"d": "date", "other": "string"}
    # ISO dates were already what a cast gives; the blank cell became missing.
    assert result.log[0]["changed"] == {"d": 6}


def test_parse_dates_given_format_and_date_columns_left_alone(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path,
        {"d": "string", "already": "date"},
        [("26.01.2013", dt.date(2013, 1, 26))],
        "- {step: parse-dates, columns: [d, already], format: '%d.%m.%Y'}",
    )
    assert rows == [(dt.date(2013, 1, 26), dt.date(2013, 1, 26))]
    assert result.log[0]["changed"] == {"d": 1}


def test_parse_dates_never_drops_a_date_silently(tmp_path: Path) -> None:
    data = [("31/02/2024",), ("demain",), ("01/01/2024",), ("demain",), ("2024-13-01",)]
    with pytest.raises(InputError) as caught:
        clean(tmp_path, {"d": "string"}, data, "- step: trim\n- {step: parse-dates, columns: d}")
    message = caught.value.message
    assert message.startswith("étape 2 (parse-dates) : 4 valeurs de « d » ne sont pas une date")
    assert "par exemple « 31/02/2024 », « demain », « 2024-13-01 »" in message
    assert "on_error: null" in message
    assert not (tmp_path / "clean.parquet").exists()

    result, rows = clean(
        tmp_path, {"d": "string"}, data, "- {step: parse-dates, columns: d, on_error: null}"
    )
    assert column(rows) == [None, None, dt.date(2024, 1, 1), None, None]
    assert result.log[0]["nulled"] == {"d": 4}
    assert result.log[0]["changed"] == {"d": 5}


def test_parse_decimal(tmp_path: Path) -> None:
    values = {
        "40 000,00": 40000.0,
        f"17{NBSP}833": 17833.0,
        f"1{NNBSP}234,5": 1234.5,
        "1.234,56": 1234.56,
        "1.234.567": 1234567.0,
        "1.234": 1.234,
        "-3,5": -3.5,
        "2400.0": 2400.0,
        "12": 12.0,
        None: None,
    }
    result, rows = clean(
        tmp_path,
        {"n": "string", "i": "string"},
        [(v, "1 000,00" if v else None) for v in values],
        "- {step: parse-decimal, columns: n}\n- {step: parse-decimal, columns: i, type: integer}",
    )
    assert column(rows) == list(values.values())
    assert set(column(rows, 1)) == {1000, None}
    assert types(result) == {"n": "number", "i": "integer"}
    # Values a plain cast reads the same (2400.0, 12, 1.234) do not count as changed.
    assert result.log[0]["changed"] == {"n": 6}


@pytest.mark.parametrize(
    ("value", "type_"),
    [("12,5", "integer"), ("1 2", "number"), ("12 €", "number"), ("12345678901234567", "number")],
)
def test_parse_decimal_refuses_what_it_would_round_or_guess(
    tmp_path: Path, value: str, type_: str
) -> None:
    with pytest.raises(InputError, match=f"1 valeur de « n » n'est pas .* « {value} »"):
        clean(
            tmp_path,
            {"n": "string"},
            [(value,)],
            f"- {{step: parse-decimal, columns: n, type: {type_}}}",
        )


def test_parse_decimal_leaves_numeric_columns(tmp_path: Path) -> None:
    result, rows = clean(tmp_path, {"n": "number"}, [(1.5,)], "- {step: parse-decimal, columns: n}")
    assert rows == [(1.5,)]
    assert result.log[0]["changed"] == {}


def test_pad_codes(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path,
        {"insee": "string", "cp": "integer", "siret": "string", "dep": "string", "n": "number"},
        [
            ("1004", 1000, "21004564700017.0", "1", 1004.0),
            ("2a4", 75001, "2.1004564700017e13", "2b", None),
            ("2A004", 6000, "356 000 000 00048", "971", 95.0),
            ("ABC", None, "inconnu", "01", 1.5),
        ],
        "- {step: pad-codes, columns: insee, kind: insee}\n"
        "- {step: pad-codes, columns: [cp], kind: postal}\n"
        "- {step: pad-codes, columns: siret, kind: siret}\n"
        "- {step: pad-codes, columns: dep, kind: departement}\n"
        "- {step: pad-codes, columns: n, width: 3}",
    )
    assert rows == [
        ("01004", "01000", "21004564700017", "01", "1004"),
        ("2A004", "75001", "21004564700017", "2B", None),
        ("2A004", "06000", "35600000000048", "971", "095"),
        ("ABC", None, "inconnu", "01", "1.5"),
    ]
    assert set(types(result).values()) == {"string"}
    assert [entry["changed"] for entry in result.log] == [
        {"insee": 2},
        {"cp": 2},
        {"siret": 3},
        {"dep": 2},
        {"n": 2},
    ]


def test_booleans(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path,
        {"b": "string", "tick": "string", "n": "integer", "custom": "string"},
        [
            ("Oui", "x", 1, "ok"),
            (" non ", None, 0, "ko"),
            ("VRAI", "X", 1, "ok"),
            ("false", None, None, None),
            ("1", "x", 0, "ko"),
            (None, None, 1, "ok"),
        ],
        """
steps:
  - {step: booleans, columns: [b, n]}
  - {step: booleans, columns: tick, true_values: x, false_values: [""]}
  - step: booleans
    columns: custom
    true_values: [OK]
    false_values: [KO]
""",
    )
    assert column(rows) == [True, False, True, False, True, None]
    assert column(rows, 1) == [True, False, True, False, True, False]
    assert column(rows, 2) == [True, False, True, None, False, True]
    assert column(rows, 3) == [True, False, True, None, False, True]
    assert set(types(result).values()) == {"boolean"}
    assert result.log[0]["changed"] == {"b": 3, "n": 0}  # "false" and "1" cast as they read
    assert result.log[1]["changed"] == {"tick": 6}


def test_booleans_refuse_other_values(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"1 valeur de « b » n'est pas une valeur parmi oui, "):
        clean(
            tmp_path, {"b": "string"}, [("oui",), ("peut-être",)], "- {step: booleans, columns: b}"
        )
    with pytest.raises(InputError, match="« x » est à la fois dans true_values et false_values"):
        clean(
            tmp_path,
            {"b": "string"},
            [],
            "- {step: booleans, columns: b, true_values: [x], false_values: [X]}",
        )


def test_case(tmp_path: Path) -> None:
    text = "saint-ÉTIENNE l'abbaye 2a"
    _, rows = clean(
        tmp_path,
        {"u": "string", "l": "string", "t": "string"},
        [(text, text, text), (None, None, None)],
        "- {step: case, columns: u, to: upper}\n"
        "- {step: case, columns: l, to: lower}\n"
        "- {step: case, columns: t, to: title}",
    )
    assert rows == [
        ("SAINT-ÉTIENNE L'ABBAYE 2A", "saint-étienne l'abbaye 2a", "Saint-Étienne L'Abbaye 2A"),
        (None, None, None),
    ]


def test_map_values(tmp_path: Path) -> None:
    result, rows = clean(
        tmp_path,
        {"k": "string", "d": "string", "n": "integer"},
        [("N/A", "01", 1), ("oui", "2A", 2), ("autre", "99", 3), (None, None, None)],
        """
- step: map-values
  column: k
  mapping: {N/A: null, oui: yes}
- step: map-values
  column: d
  mapping: {01: Ain, 2A: Corse-du-Sud}
  default: null
- {step: map-values, column: n, mapping: {1: un}, default: autre}
""",
    )
    assert rows == [
        (None, "Ain", "un"),
        ("yes", "Corse-du-Sud", "autre"),
        ("autre", None, "autre"),
        (None, None, "autre"),
    ]
    assert types(result)["n"] == "string"
    assert [e["changed"] for e in result.log] == [{"k": 2}, {"d": 3}, {"n": 4}]


def test_rename_by_mapping_and_by_schema(tmp_path: Path) -> None:
    source = write_table(
        tmp_path,
        {"Code INSEE": "string", "Libellé": "string", "x": "integer"},
        [("01004", "Ambérieu", 1)],
    )
    schema = {
        "fields": [
            {"name": "Code INSEE", "type": "string", "title": "Code"},
            {"name": "Libellé", "type": "string"},
            {"name": "x", "type": "integer"},
        ],
        "primaryKey": ["Code INSEE"],
    }
    steps = parse_steps(
        """
- step: rename
  to_schema: {fields: [{name: code_insee}, {name: libelle}, {name: autre}]}
- {step: rename, mapping: {x: total, code_insee: insee}}
"""
    )
    result = clean_parquet(source, schema, steps, tmp_path / "out.parquet")
    assert result.schema["fields"] == [
        {"name": "insee", "type": "string", "title": "Code"},
        {"name": "libelle", "type": "string"},
        {"name": "total", "type": "integer"},
    ]
    assert result.schema["primaryKey"] == ["insee"]
    assert [e["renamed"] for e in result.log] == [
        {"Code INSEE": "code_insee", "Libellé": "libelle"},
        {"code_insee": "insee", "x": "total"},
    ]
    with duckdb.connect() as con:
        cursor = con.execute("SELECT * FROM read_parquet(?)", [str(tmp_path / "out.parquet")])
        assert [d[0] for d in cursor.description] == ["insee", "libelle", "total"]
        assert cursor.fetchall() == [("01004", "Ambérieu", 1)]


def test_rename_refuses_two_columns_with_one_name(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match="étape 1 \\(rename\\) : plusieurs colonnes s'appelleraient « b »"
    ):
        clean(tmp_path, {"a": "string", "b": "string"}, [], "- {step: rename, mapping: {a: b}}")
    with pytest.raises(InputError, match="plusieurs colonnes s'appelleraient « code_insee »"):
        clean(
            tmp_path,
            {"Code INSEE": "string", "code-insee": "string"},
            [],
            "- {step: rename, to_schema: [code_insee]}",
        )


def test_deduplicate_keeps_the_first_row_in_order(tmp_path: Path) -> None:
    rows = [
        ("b", 1, "x"),
        ("a", 2, "y"),
        ("b", 1, "x"),
        ("a", 2, "z"),
        (None, 3, None),
        (None, 3, None),
    ]
    result, out = clean(
        tmp_path, {"k": "string", "n": "integer", "v": "string"}, rows, "- step: deduplicate"
    )
    assert out == [("b", 1, "x"), ("a", 2, "y"), ("a", 2, "z"), (None, 3, None)]
    assert result.row_count == 4
    assert result.log[0]["rowsRemoved"] == 2

    result, out = clean(
        tmp_path,
        {"k": "string", "n": "integer", "v": "string"},
        rows,
        "- {step: deduplicate, columns: [k]}",
    )
    assert out == [("b", 1, "x"), ("a", 2, "y"), (None, 3, None)]
    assert result.log[0]["rowsRemoved"] == 3


def test_output_is_zstd_parquet_and_schema_keeps_other_keys(tmp_path: Path) -> None:
    source = write_table(tmp_path, {"d": "string"}, [("01/02/2024",)])
    schema = {
        "fields": [{"name": "d", "type": "string", "format": "default", "title": "Date"}],
        "missingValues": [""],
    }
    target = tmp_path / "out.parquet"
    result = clean_parquet(source, schema, parse_steps("- {step: parse-dates, columns: d}"), target)
    assert result.schema == {
        "fields": [{"name": "d", "type": "date", "title": "Date"}],
        "missingValues": [""],
    }
    with duckdb.connect() as con:
        codecs = con.execute(
            "SELECT DISTINCT compression FROM parquet_metadata(?)", [str(target)]
        ).fetchall()
    assert codecs == [("ZSTD",)]


# --- declaring steps -------------------------------------------------------------------------


def test_parse_steps_forms() -> None:
    listed = parse_steps("- step: trim\n- {step: case, columns: [a], to: upper}")
    mapped = parse_steps("steps:\n  - step: trim\n  - {step: case, columns: a, to: upper}")
    as_json = parse_steps(
        json.dumps([{"step": "trim"}, {"step": "case", "columns": ["a"], "to": "upper"}])
    )
    for planned in (listed, mapped, as_json):
        assert [(p.number, p.step.name, p.params) for p in planned] == [
            (1, "trim", {}),
            (2, "case", {"columns": ["a"], "to": "upper"}),
        ]


def test_yaml_scalars_stay_as_written() -> None:
    (planned,) = parse_steps(
        "- {step: map-values, column: c, mapping: {01: 1.50, yes: on, 2024-01-31: ~}}"
    )
    assert planned.params["mapping"] == {"01": "1.50", "yes": "on", "2024-01-31": None}
    (planned,) = parse_steps(json.dumps([{"step": "pad-codes", "columns": "c", "width": 5}]))
    assert planned.params == {"columns": ["c"], "width": 5}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- step: trimm", "étape 1 : étape « trimm » inconnue ; étapes connues : booleans, case, "),
        ("- step: trim\n- columns: [a]", "étape 2 : « step: nom de l'étape » attendu"),
        (
            "- {step: trim, colums: [a]}",
            "étape 1 (trim) : paramètre « colums » inconnu ; paramètres acceptés : columns",
        ),
        ("- {step: case, columns: a}", "étape 1 (case) : paramètre « to » manquant"),
        (
            "- {step: case, columns: a, to: capital}",
            "paramètre « to » : une valeur parmi upper, lower, title attendue",
        ),
        (
            "- {step: pad-codes, columns: a, width: cinq}",
            "étape 1 (pad-codes) : paramètre « width » : entier de 1 à 64 attendu",
        ),
        ("- {step: trim, columns: {a: 1}}", "paramètre « columns » : nom de colonne ou liste"),
        ("- {step: trim, columns: [a, a]}", "une colonne est nommée deux fois"),
        (
            "- {step: map-values, column: a, mapping: [x]}",
            "paramètre « mapping » : correspondances attendues",
        ),
        (
            "- {step: parse-dates, columns: a, on_error: ignore}",
            "paramètre « on_error » : « null »",
        ),
        ("- {step: rename, to_schema: {name: x}}", "paramètre « to_schema » : un Table Schema"),
        ("steps: []", "une liste d'étapes est attendue"),
        ("trim", "une liste d'étapes est attendue"),
        ("version: 1\nsteps: [{step: trim}]", "clé « version » inconnue"),
        ("- step: trim\n  columns: [a\n", "YAML illisible (ligne 3, colonne 1)"),
    ],
)
def test_parse_steps_errors_are_clear(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_steps(text)
    assert message in caught.value.message
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            "- {step: trim, columns: [nom, absente]}",
            "étape 1 (trim) : colonne « absente » absente ; colonnes : nom, n",
        ),
        (
            "- step: trim\n"
            "- {step: rename, mapping: {nom: name}}\n"
            "- {step: case, columns: nom, to: upper}",
            "étape 3 (case) : colonne « nom » absente ; colonnes : name, n",
        ),
        ("- {step: trim, columns: n}", "colonne « n » de type integer : types acceptés string"),
        (
            "- {step: parse-dates, columns: n}",
            "colonne « n » de type integer : types acceptés date, string",
        ),
        ("- {step: parse-dates, columns: nom, format: '%d/%m/%Y %H:%M'}", "des dates seulement"),
        (
            "- {step: parse-dates, columns: nom, format: '%Q'}",
            "format : directive de date %Q non prise en charge",
        ),
        (
            "- {step: pad-codes, columns: n}",
            "étape 1 (pad-codes) : indiquez soit « kind », soit « width »",
        ),
        ("- {step: rename}", "indiquez « mapping » ou « to_schema »"),
        ("- {step: map-values, column: autre, mapping: {a: b}}", "colonne « autre » absente"),
    ],
)
def test_steps_that_do_not_fit_the_table_fail_before_reading(
    tmp_path: Path, steps: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        clean_parquet(
            tmp_path / "never-read.parquet",
            {"fields": [{"name": "nom", "type": "string"}, {"name": "n", "type": "integer"}]},
            parse_steps(steps),
            tmp_path / "out.parquet",
        )
    assert message in caught.value.message


def test_every_step_and_parameter_is_documented() -> None:
    docs = (REPO / "docs" / "cleaning.md").read_text(encoding="utf-8")
    for name, step in registry().items():
        section = re.search(rf"^### `{re.escape(name)}`\n(.*?)(?=^##)", docs, re.M | re.S)
        assert section, f"docs/cleaning.md has no section for {name}"
        for param in step.params:
            assert f"`{param}`" in section.group(1), f"{name}: parameter {param} undocumented"


# --- real files ------------------------------------------------------------------------------


def ingested(path: Path, folder: Path, options: ReadOptions) -> tuple[Path, dict[str, Any]]:
    dest = folder / "raw.parquet"
    return dest, read_file(path, dest, options).schema


def test_poitiers_subsidies_read_with_the_wrong_encoding(shared_data: Path, tmp_path: Path) -> None:
    """Poitiers' UTF-8 file read as cp1252 (as a user forcing the encoding would): its text
    is mojibake, and its SIRET columns were exported as floats (``21860194600000.0``)."""
    path = next((shared_data / SUBSIDIES).glob("SCDL_COM_Poitiers_*.csv"))
    source, schema = ingested(path, tmp_path, ReadOptions(encoding="cp1252"))
    steps = parse_steps(
        """
steps:
  - step: fix-mojibake
  - step: trim
  - step: pad-codes
    columns: [COLL_SIRET, ATTRIB_SIRET]
    kind: siret
  - step: rename
    to_schema: {fields: [{name: annee}, {name: coll_siret}, {name: attrib_siret}, {name: sub_obj}]}
  - step: deduplicate
"""
    )
    result = clean_parquet(source, schema, steps, tmp_path / "clean.parquet", memory_limit="256MB")
    mojibake, _, pad, rename, dedupe = result.log
    assert mojibake["changed"]["SUB_OBJ"] == 537
    assert mojibake["changed"]["ATTRIB_NOM"] == 0
    assert pad["changed"] == {"COLL_SIRET": 562, "ATTRIB_SIRET": 562}
    assert rename["renamed"] == {
        "ANNEE": "annee",
        "COLL_SIRET": "coll_siret",
        "ATTRIB_SIRET": "attrib_siret",
        "SUB_OBJ": "sub_obj",
    }
    assert dedupe["rowsRemoved"] == 0 and result.row_count == 562
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE v AS SELECT * FROM read_parquet(?)", [str(tmp_path / "clean.parquet")]
        )
        assert con.execute(
            "SELECT count(*) FILTER (WHERE NOT regexp_full_match(attrib_siret, '[0-9]{14}')), "
            "count(*) FILTER (WHERE sub_obj LIKE '%Ã%') FROM v"
        ).fetchall() == [(0, 0)]
        first = con.execute("SELECT coll_siret, attrib_siret, sub_obj FROM v LIMIT 1").fetchall()
    assert first == [
        (
            "21860194600000",
            "45032466000000",
            "Soutien à l'organisation de la dixième édition du festival qui se déroulera "
            "au printemps 2017.",
        )
    ]


def test_nievre_amounts_with_nbsp_thousands(shared_data: Path, tmp_path: Path) -> None:
    """Nièvre writes amounts ``17 833`` with a non-breaking space; a few cells hold text."""
    path = shared_data / SUBSIDIES / "DEP_Nievre_CD58_SUBVENTIONS_2016_LISTE.csv"
    source, schema = ingested(path, tmp_path, ReadOptions())
    strict = parse_steps("- {step: parse-decimal, columns: SUB_MONTANT}")
    with pytest.raises(InputError) as caught:
        clean_parquet(source, schema, strict, tmp_path / "clean.parquet")
    assert caught.value.message.startswith(
        "étape 1 (parse-decimal) : 6 valeurs de « SUB_MONTANT » ne sont pas un nombre, "
        "par exemple « NC », « SEM », « ODHLM »"
    )
    lenient = parse_steps(
        "- {step: parse-decimal, columns: SUB_MONTANT, on_error: null}\n"
        "- {step: pad-codes, columns: COLL_SIRET, kind: siren}"
    )
    result = clean_parquet(source, schema, lenient, tmp_path / "clean.parquet")
    assert result.log[0]["nulled"] == {"SUB_MONTANT": 6}
    assert result.log[1]["changed"] == {"COLL_SIRET": 0}
    assert types(result)["SUB_MONTANT"] == "number"
    amounts = column(read_rows(tmp_path / "clean.parquet"), 9)
    assert amounts[:4] == [17833.0, 92000.0, 511100.0, 110000.0]
    assert sum(a is None for a in amounts) == 6 + 1  # the six texts and one empty cell


# --- properties ------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from([*"ab é\t", NBSP, NNBSP, "\n"]), max_size=12)


def run(fields: dict[str, str], rows: list[tuple[Any, ...]], steps: str) -> list[tuple[Any, ...]]:
    with tempfile.TemporaryDirectory() as folder:
        return clean(Path(folder), fields, rows, steps)[1]


@PROPERTY
@given(st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=20))
def test_trim_is_idempotent(cells: list[str | None]) -> None:
    once = run({"t": "string"}, [(c,) for c in cells], "- step: trim")
    twice = run({"t": "string"}, once, "- step: trim")
    assert once == twice
    for (cell,) in once:
        assert cell is None or (cell == cell.strip() and "  " not in cell and NBSP not in cell)


INSEE = st.from_regex(r"(0[1-9]|[1-8][0-9]|2[AB]|9[0-5])[0-9]{3}|97[1-6][0-9]{2}", fullmatch=True)


@PROPERTY
@given(
    st.lists(INSEE, min_size=1, max_size=20),
    st.lists(st.from_regex(r"[0-9]{14}", fullmatch=True), min_size=1, max_size=20),
)
def test_pad_codes_never_changes_a_correct_code(insee: list[str], siret: list[str]) -> None:
    rows = [
        (insee[i % len(insee)], siret[i % len(siret)]) for i in range(max(len(insee), len(siret)))
    ]
    out = run(
        {"insee": "string", "siret": "string"},
        rows,
        "- {step: pad-codes, columns: insee, kind: insee}\n"
        "- {step: pad-codes, columns: siret, kind: siret}",
    )
    assert out == rows


@PROPERTY
@given(st.lists(st.integers(min_value=1, max_value=99999), min_size=1, max_size=20))
def test_pad_codes_restores_lost_zeros(codes: list[int]) -> None:
    out = run(
        {"cp": "integer", "f": "number"},
        [(c, float(c)) for c in codes],
        "- {step: pad-codes, columns: [cp, f], kind: postal}",
    )
    assert out == [(f"{c:05d}", f"{c:05d}") for c in codes]


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.integers(0, 2)), max_size=30))
def test_deduplicate_leaves_distinct_rows_in_first_order(
    rows: list[tuple[str | None, int]],
) -> None:
    out = run({"k": "string", "n": "integer"}, rows, "- step: deduplicate")
    assert out == list(dict.fromkeys(rows))
