"""schema.data.gouv.fr's own examples: Socle agrees with frictionless, the oracle.

For every Table Schema in ../shared/data/schemas and each of its example CSVs, Socle's
(type, row, field) errors for the standard Table Schema checks equal frictionless-py's with
``Detector(schema_sync=True)`` and no error limit (schemas frictionless rejects are given to
it after Socle's compatibility layer). Custom checks, which frictionless does not know, are
checked against what the examples are meant to show.
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest

from socle.errors import InvalidSchemaError
from socle.quality.schema import read_schema_file
from socle.quality.validate import validate_file

STANDARD = {
    "type-error",
    "constraint-error",
    "unique-error",
    "primary-key",
    "foreign-key",
    "blank-row",
    "duplicate-row",
    "missing-cell",
    "extra-cell",
    "missing-label",
}
# Valid examples that break their own schema's custom checks upstream.
KNOWN_UPSTREAM = {
    # "true" in the horaires column: not OSM opening hours (the check came after the example).
    ("lieux-covoiturage", "exemple-valide.csv"): {"opening-hours-value": 1},
}


def examples(shared: Path) -> list[Path]:
    return sorted(shared.glob("schemas/*/exemple*.csv"))


def frictionless_errors(path: Path, descriptor: dict) -> Counter[tuple]:
    from frictionless import Checklist, Detector, Resource, Schema, checks, validate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resource = Resource(
            path=path.name,
            basepath=str(path.parent),
            schema=Schema.from_descriptor(descriptor),
            detector=Detector(schema_sync=True),
        )
        report = validate(
            resource, checklist=Checklist(checks=[checks.duplicate_row()]), limit_errors=10**6
        )
    return Counter(
        (e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or None)
        for e in report.tasks[0].errors
    )


def test_every_example_matches_frictionless(shared_data: Path, tmp_path: Path) -> None:
    compared = 0
    for path in examples(shared_data):
        schema = read_schema_file(path.parent / "schema.json")
        report = validate_file(path, schema, work_dir=tmp_path)
        mine = Counter(
            (e["type"], e.get("rowNumber"), e.get("fieldName") or None)
            for e in report.errors
            if e["type"] in STANDARD
        )
        if len(set(report.labels)) != len(report.labels):
            # frictionless gives up on duplicate labels; Socle reports them.
            assert report.counts.get("duplicate-label"), path
            continue
        assert mine == frictionless_errors(path, schema.descriptor), path
        compared += 1
    assert compared >= 24


def test_valid_examples_are_valid_and_invalid_ones_invalid(
    shared_data: Path, tmp_path: Path
) -> None:
    for path in examples(shared_data):
        report = validate_file(
            path, read_schema_file(path.parent / "schema.json"), work_dir=tmp_path
        )
        known = KNOWN_UPSTREAM.get((path.parent.name, path.name))
        if "invalide" in path.name:
            assert not report.valid, path
        elif known:
            assert report.counts == known, path
        else:
            assert report.valid, (path, report.errors[:3])


def test_stationstaxi_lost_leading_zero_is_a_phone_error(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "schemas" / "stationstaxi"
    report = validate_file(
        folder / "exemple-invalide.csv", read_schema_file(folder / "schema.json"), work_dir=tmp_path
    )
    assert [(e["type"], e["rowNumber"], e["cell"]) for e in report.errors] == [
        ("phone-number-value", 3, "476544254")
    ]
    assert any("Identifiant interne" in w for w in report.warnings)


def test_validata_opening_hours_report_is_reproduced(shared_data: Path, tmp_path: Path) -> None:
    """The recorded Validata report flags 'lundi à dimanche'; so does Socle."""
    import json

    recorded = json.loads(
        (
            shared_data / "schemas/_validata-reports/validata_with_opening_hours_error.json"
        ).read_text()
    )
    error = recorded["report"]["errors"][0]
    schema = read_schema_file(shared_data / "schemas/lieux-covoiturage/schema.json")
    header = ",".join(f.name for f in schema.fields)
    row = {f.name: "" for f in schema.fields}
    row.update(
        id_local="23X01",
        nom_lieu="Gare",
        ad_lieu="1 rue",
        com_lieu="Dieppe",
        insee="76217",
        type="Parking",
        date_maj="2019-06-25",
        ouvert="true",
        source="217602176",
        Xlong="1.08",
        Ylat="49.92",
        nbre_pl="20",
        nbre_pmr="2",
        horaires=error["cell"],
    )
    path = tmp_path / "lieux.csv"
    path.write_text(header + "\n" + ",".join(row[f.name] for f in schema.fields) + "\n")
    report = validate_file(path, schema, work_dir=tmp_path)
    assert [(e["type"], e["rowNumber"], e["fieldName"], e["cell"]) for e in report.errors] == [
        (error["type"], error["rowNumber"], error["fieldName"], error["cell"])
    ]
    assert report.errors[0]["message"].startswith("La valeur 'lundi à dimanche' n'est pas")


@pytest.mark.parametrize("name", ["amenagements-cyclables", "zfe"])
def test_json_schemas_are_refused_clearly(shared_data: Path, name: str) -> None:
    with pytest.raises(InvalidSchemaError, match="JSON Schema"):
        read_schema_file(shared_data / "schemas" / name / "schema.json")


def test_published_schemas_frictionless_rejects_are_repaired_with_warnings(
    shared_data: Path,
) -> None:
    from frictionless import Schema

    for name in ("dae", "comptage-mobilites-channel"):
        schema = read_schema_file(shared_data / "schemas" / name / "schema.json")
        assert schema.warnings
        Schema.from_descriptor(schema.descriptor)  # accepted after the compatibility layer
