"""Cleaned versions: derived from a version by declared steps, lineage kept, raw untouched."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from socle.core import schemas
from socle.core.versions import add_version, clean_version, data_paths, get_version
from socle.errors import InputError, NotFoundError
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance

RAW = (
    "Code INSEE;Montant;Date\n1053; 1 500,50 ;03/02/2024\n1289;12;15/03/2024\n1289;12;15/03/2024\n"
)
STEPS = """
steps:
  - step: rename
    mapping: {Code INSEE: code_insee, Montant: montant, Date: date}
  - step: trim
  - step: pad-codes
    columns: code_insee
    kind: insee
  - step: parse-decimal
    columns: montant
  - step: parse-dates
    columns: date
  - step: deduplicate
"""
SCHEMA = {
    "name": "aides",
    "fields": [
        {"name": "code_insee", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
        {"name": "montant", "type": "number"},
        {"name": "date", "type": "date"},
    ],
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(instance: Instance, slug: str, number: int) -> list[tuple]:
    data = data_paths(instance, get_version(instance, ADMIN, slug, number))[0]
    return duckdb.sql(f"SELECT * FROM read_parquet('{data}') ORDER BY 1").fetchall()


def test_a_clean_version_derives_from_the_raw_one_and_records_its_lineage(
    any_instance: Instance, tmp_path: Path
) -> None:
    schemas.add_schema(any_instance, ADMIN, SCHEMA, "aides.json")
    raw = add_version(any_instance, ADMIN, write(tmp_path, "a.csv", RAW), "aides", schema="aides")
    assert raw.quality["valid"] is False  # wrong names, lost zeros, French numbers and dates
    steps = write(tmp_path, "etapes.yaml", STEPS)
    cleaned = clean_version(any_instance, ADMIN, "aides", steps)
    assert (cleaned.number, cleaned.method, cleaned.row_count) == (2, "clean", 2)
    assert cleaned.quality["valid"] is True and cleaned.quality["errors"] == 0
    lineage = cleaned.details["lineage"]
    assert lineage["source_version"] == 1 and lineage["source_version_id"] == raw.id
    assert [s["step"] for s in lineage["steps"]] == [
        "rename",
        "trim",
        "pad-codes",
        "parse-decimal",
        "parse-dates",
        "deduplicate",
    ]
    assert lineage["steps"][2]["changed"] == {"code_insee": 3}
    assert lineage["steps"][-1]["rowsRemoved"] == 1
    types = {f["name"]: f["type"] for f in cleaned.table_schema["fields"]}
    assert types == {"code_insee": "string", "montant": "number", "date": "date"}
    assert [r[:2] for r in rows(any_instance, "aides", 2)] == [("01053", 1500.5), ("01289", 12.0)]
    # The raw version is untouched, and the steps file is kept as the new version's input.
    assert rows(any_instance, "aides", 1)[0][0] == "1053"
    assert cleaned.source_name == "etapes.yaml"


def test_bad_steps_are_refused_before_anything_is_written(
    instance: Instance, tmp_path: Path
) -> None:
    add_version(instance, ADMIN, write(tmp_path, "a.csv", RAW), "aides")
    unknown = write(tmp_path, "x.yaml", "- step: nettoyer-tout\n")
    with pytest.raises(InputError, match="étape 1 : étape « nettoyer-tout » inconnue"):
        clean_version(instance, ADMIN, "aides", unknown)
    absent = write(tmp_path, "y.yaml", "- step: trim\n  columns: [inexistante]\n")
    with pytest.raises(InputError, match="inexistante"):
        clean_version(instance, ADMIN, "aides", absent)
    not_dates = write(tmp_path, "z.yaml", "- step: parse-dates\n  columns: Montant\n")
    with pytest.raises(InputError, match="étape 1"):
        clean_version(instance, ADMIN, "aides", not_dates)
    assert get_version(instance, ADMIN, "aides").number == 1
    assert list(instance.lake.staging_root.iterdir()) == []


def test_cleaning_goes_through_the_policy(instance: Instance, tmp_path: Path) -> None:
    add_version(instance, ADMIN, write(tmp_path, "a.csv", RAW), "aides")
    with pytest.raises(NotFoundError):
        clean_version(instance, ANONYMOUS, "aides", write(tmp_path, "s.yaml", STEPS))
    with pytest.raises(NotFoundError, match="version 7"):
        clean_version(instance, ADMIN, "aides", write(tmp_path, "s.yaml", STEPS), 7)


def test_the_cli_prints_the_log_and_the_portal_shows_the_lineage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from socle.api.app import create_app
    from socle.cli import app
    from socle.config import load_settings

    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    source = write(tmp_path, "a.csv", RAW)
    ingested = runner.invoke(app, ["ingest", str(source), "-d", "aides", "--access", "public"])
    assert ingested.exit_code == 0, ingested.output
    steps = write(tmp_path, "etapes.yaml", STEPS)
    result = runner.invoke(app, ["clean", "aides", "--steps", str(steps)])
    assert result.exit_code == 0, result.output
    assert "6. deduplicate" in result.output and "Version 2" in result.output
    bad = runner.invoke(app, ["clean", "aides", "--steps", str(write(tmp_path, "b.yaml", "[]"))])
    assert bad.exit_code == 2 and "liste d'étapes" in bad.output
    with TestClient(create_app(load_settings())) as client:
        page = client.get("/jeux-de-donnees/aides/qualite?version=2").text
        assert "Mise en qualité" in page and "<code>pad-codes</code>" in page
        history = client.get("/jeux-de-donnees/aides").text
        assert "mise en qualité de la version 1" in history
