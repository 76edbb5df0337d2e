"""``socle audit`` end to end in a fresh SOCLE_HOME: list, export, verify, purge."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socle.cli import app

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


def test_list_export_verify_purge(home: Path, tmp_path: Path) -> None:
    run("orgs", "add", "agglo", "--name", "Agglo du Val")
    data = tmp_path / "aides.csv"
    data.write_text("beneficiaire;montant\nClub;10\n", encoding="utf-8")
    run("ingest", str(data), "--dataset", "aides", "--title", "Aides")  # internal by default
    run("datasets", "versions", "aides")
    listed = run("audit", "list", "--dataset", "aides")
    assert "read/versions" in listed and "write/version" in listed
    assert "2 entrée(s) affichée(s) sur 2." in listed
    assert "sur 0." in run("audit", "list", "--result", "denied")
    output = tmp_path / "journal.csv"
    assert "3 entrée(s) écrite(s)" in run("audit", "export", "--output", str(output))
    assert output.read_bytes().startswith("\ufeffn°;".encode())
    verified = run("audit", "verify")
    assert "3 entrée(s) vérifiée(s)" in verified and "Journal intègre." in verified
    assert "0 entrée(s) antérieure(s)" in run("audit", "purge", "--dry-run")

    with sqlite3.connect(home / "socle.db") as db:
        db.execute("UPDATE audit_entries SET result = 'denied' WHERE seq = 2")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "entrée n° 2 modifiée" in result.output
    assert "purge refusée" in run("audit", "purge", code=2)


def test_bad_filters_are_clear(home: Path) -> None:
    assert "Date « demain » illisible" in run("audit", "list", "--since", "demain", code=2)
    assert "Résultat « peut-être » inconnu" in run("audit", "list", "--result", "peut-être", code=2)
