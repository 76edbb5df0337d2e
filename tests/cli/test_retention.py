"""``socle retention`` end to end in a fresh SOCLE_HOME: set, dry run, run, upcoming, clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socle.cli import app
from socle.governance.retention.durations import Period
from socle.storage.tables import utcnow
from tests.governance.test_retention import expected_expired, generated

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "250")
    return tmp_path / "home"


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_set_dry_run_run_upcoming_clear(home: Path, tmp_path: Path) -> None:
    run("orgs", "add", "agglo", "--name", "Agglo du Val")
    source = generated(tmp_path / "visites.csv", 1500)  # 2023-01-01 to 2027-02-09
    run("ingest", str(source), "--dataset", "visites", "--org", "agglo")
    assert "durée ISO 8601 attendue" in run(
        "retention", "set", "visites", "--period", "1 an", code=2
    )
    assert "n'existe pas" in run(
        "retention", "set", "visites", "--period", "P1Y", "--date-column", "date", code=2
    )
    out = run("retention", "set", "visites", "--period", "P1Y", "--date-column", "jour")
    assert "conservation P1Y" in out
    lake = home / "lake" / "datasets"
    before = sorted(p for p in lake.rglob("*") if p.is_file())
    dry = run("retention", "run", "--dry-run")
    assert "Purge à blanc" in dry and "visites" in dry
    assert sorted(p for p in lake.rglob("*") if p.is_file()) == before
    done = run("retention", "run")
    assert "Purge effectuée" in done
    assert not any(p.exists() for p in before)  # the only older version's files are gone
    expired = expected_expired(source, "jour", Period.parse("P1Y").before(utcnow()))
    assert f" {expired} " in done and expired > 0
    assert "retention" in run("datasets", "versions", "visites")
    soon = run("retention", "upcoming", "agglo", "--days", "30")
    assert "visites" in soon and "P1Y" in soon
    assert "Jeu de données" not in run("retention", "clear", "visites")
    assert "Aucun jeu" in run("retention", "run")
