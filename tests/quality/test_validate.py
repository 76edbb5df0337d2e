"""The validator on small hand-written files: each error kind, row numbers, reports, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from socle.cli import app
from socle.errors import InvalidSchemaError
from socle.quality.report import Report
from socle.quality.schema import parse_schema
from socle.quality.validate import validate_file


def check(tmp_path: Path, text: str, fields: list[dict[str, Any]], **schema: Any) -> Report:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return validate_file(
        path, parse_schema({"fields": fields, **schema}, "test"), work_dir=tmp_path
    )


def found(report: Report) -> list[tuple[str, int | None, str | None]]:
    return [(e["type"], e.get("rowNumber"), e.get("fieldName") or None) for e in report.errors]


def test_types_and_constraints(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        "n;x;d;b;e\n1;1,5;2024-01-31;oui;a\nun;2.5;31/01/2024;true;z\n-3;x;2024-02-30;0;\n",
        [
            {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
            {"name": "x", "type": "number", "decimalChar": ","},
            {"name": "d", "type": "date"},
            {"name": "b", "type": "boolean", "trueValues": ["oui", "true"], "falseValues": ["0"]},
            {"name": "e", "type": "string", "constraints": {"required": True, "enum": ["a", "b"]}},
        ],
    )
    assert found(report) == [
        ("type-error", 3, "n"),
        ("type-error", 3, "x"),
        ("type-error", 3, "d"),
        ("constraint-error", 3, "e"),
        ("constraint-error", 4, "n"),
        ("type-error", 4, "x"),
        ("type-error", 4, "d"),
        ("constraint-error", 4, "e"),
    ]
    messages = {(e["rowNumber"], e["fieldName"]): e["message"] for e in report.errors}
    assert messages[(3, "d")].startswith("La date doit être écrite sous la forme `aaaa-mm-jj`")
    assert "obligatoire" in messages[(4, "e")]
    assert report.to_dict()["tasks"][0]["errors"][0]["note"] == 'type is "integer/default"'


def test_row_numbers_count_empty_lines_and_multiline_records(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        'a,b\n1,x\n\n3,y\n,\n"5\n",z\n',
        [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
    )
    assert found(report) == [
        ("type-error", 2, "b"),
        ("blank-row", 3, None),
        ("type-error", 4, "b"),
        ("blank-row", 5, None),
        ("type-error", 6, "b"),
    ]


def test_columns_are_matched_by_name(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        "b;extra;a\nx;1;2\n",
        [
            {"name": "a", "type": "integer"},
            {"name": "b"},
            {"name": "c", "constraints": {"required": True}},
            {"name": "d"},
        ],
    )
    assert found(report) == [("missing-label", None, "c")]
    assert any("surnuméraire" in w and "extra" in w for w in report.warnings)
    assert any("manquante `d`" in w for w in report.warnings)
    assert any("ordre" in w for w in report.warnings)


def test_structure_errors(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        "id;v\n1;a\n1;a\n2\n3;b;extra\n;\n",
        [{"name": "id", "type": "integer", "constraints": {"unique": True}}, {"name": "v"}],
        primaryKey="id",
    )
    assert sorted(found(report)) == sorted(
        [
            ("unique-error", 3, "id"),
            ("primary-key", 3, None),
            ("duplicate-row", 3, None),
            ("missing-cell", 4, "v"),
            ("extra-cell", 5, None),
            ("blank-row", 6, None),
            ("primary-key", 6, None),
        ]
    )


def test_duplicate_labels_are_reported(tmp_path: Path) -> None:
    report = check(tmp_path, "a;a\n1;2\n", [{"name": "a"}])
    assert found(report) == [("duplicate-label", None, "a")]


def test_reports_are_capped_per_type_but_counted_in_full(tmp_path: Path) -> None:
    rows = "\n".join(f"x{i}" for i in range(10_000))
    path = tmp_path / "many.csv"
    path.write_text("n\n" + rows + "\n")
    schema = parse_schema({"fields": [{"name": "n", "type": "integer"}]}, "t")
    report = validate_file(path, schema, work_dir=tmp_path, cap=10)
    assert report.counts == {"type-error": 10_000}
    assert len(report.errors) == 10
    assert report.to_dict()["socle"]["capped"] is True


@pytest.mark.parametrize(
    ("descriptor", "problem"),
    [
        ({"fields": [{"name": "a", "type": "texte"}]}, "type inconnu"),
        ({"fields": [{"name": "a", "constraints": {"pattern": "(["}}]}, "expression régulière"),
        ({"fields": []}, "liste non vide"),
        ({"fields": [{"name": "a"}], "primaryKey": "b"}, "absent du schéma"),
        ([1, 2], "objet JSON"),
    ],
)
def test_invalid_schemas_name_the_problem(descriptor: Any, problem: str) -> None:
    with pytest.raises(InvalidSchemaError, match=problem):
        parse_schema(descriptor, "s.json")


def test_custom_checks(tmp_path: Path) -> None:
    report = check(
        tmp_path,
        "siret;tel;insee;a;b\n21860194600013;01 23 45 67 89;2A004;2;1\n"
        "21860194600000;476544254;1004;1;2\n35600000000001;+33123456789;97411;;\n",
        [
            {"name": "siret"},
            {"name": "tel"},
            {"name": "insee"},
            {"name": "a", "type": "integer"},
            {"name": "b", "type": "integer"},
        ],
        custom_checks=[
            {"name": "french-siret-value", "params": {"column": "siret"}},
            {"name": "phone-number-value", "params": {"column": "tel"}},
            {"name": "french-insee-code-value", "params": {"column": "insee"}},
            {
                "name": "compare-columns-value",
                "params": {"column": "a", "op": ">=", "column2": "b"},
            },
            {"name": "one-of-required", "params": {"column1": "a", "column2": "b"}},
            {"name": "not-a-known-check", "params": {}},
        ],
    )
    assert found(report) == [
        ("french-siret-value", 3, "siret"),
        ("phone-number-value", 3, "tel"),
        ("french-insee-code-value", 3, "insee"),
        ("compare-columns-value", 3, "a"),
        ("one-of-required", 4, "a"),
    ]
    assert any("not-a-known-check" in w for w in report.warnings)
    insee = next(e for e in report.errors if e["type"] == "french-insee-code-value")
    assert "zéro initial" in insee["message"]


KINDS = ("type", "enum", "required", "pattern", "minimum")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    injected=st.dictionaries(
        st.integers(min_value=0, max_value=199), st.sampled_from(KINDS), max_size=40
    )
)
def test_exactly_the_injected_errors_are_reported(tmp_path: Path, injected: dict[int, str]) -> None:
    lines = ["id;code;mode;n"]
    for i in range(200):
        code, mode, n, ident = f"{i:05d}", "vélo", str(i), f"C{i}"
        kind = injected.get(i)
        if kind == "type":
            n = f"{i}x"
        elif kind == "enum":
            mode = "camion"
        elif kind == "required":
            ident = ""
        elif kind == "pattern":
            code = str(i)
        elif kind == "minimum":
            n = f"-{i + 1}"
        lines.append(f"{ident};{code};{mode};{n}")
    report = check(
        tmp_path,
        "\n".join(lines) + "\n",
        [
            {"name": "id", "constraints": {"required": True}},
            {"name": "code", "constraints": {"pattern": "[0-9]{5}"}},
            {"name": "mode", "constraints": {"enum": ["vélo", "voiture"]}},
            {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
        ],
    )
    field_of = {"type": "n", "enum": "mode", "required": "id", "pattern": "code", "minimum": "n"}
    expected = sorted(
        ("type-error" if kind == "type" else "constraint-error", i + 2, field_of[kind])
        for i, kind in injected.items()
    )
    assert sorted(found(report)) == expected


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "n", "type": "integer"}]}))
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("n\n1\n")
    bad.write_text("n\nun\n")
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(good), "--schema", str(schema)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(bad), "--schema", str(schema), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["tasks"][0]["errors"][0]["cell"] == "un"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = runner.invoke(app, ["validate", str(good), "--schema", str(broken)])
    assert result.exit_code == 2
    assert "JSON invalide" in result.stderr
