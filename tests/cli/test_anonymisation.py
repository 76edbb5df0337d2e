"""``socle anonymise`` and ``socle anonymisation show`` end to end, in a fresh SOCLE_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from socle.cli import app
from tests.governance.anonymisation.conftest import KEY, population, recipe, write_csv

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOCLE_PSEUDONYMISATION_KEY", KEY)
    monkeypatch.setenv("COLUMNS", "200")
    people = write_csv(tmp_path / "patients.csv", population(3000))
    result = runner.invoke(
        app, ["ingest", str(people), "--dataset", "patients", "--access", "restricted"]
    )
    assert result.exit_code == 0, result.output
    return tmp_path


def test_run_dry_run_and_show(home: Path) -> None:
    path = home / "recette.yaml"
    path.write_text(yaml.safe_dump(recipe(), allow_unicode=True), encoding="utf-8")
    dry = runner.invoke(app, ["anonymise", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "k demandé / atteint" in dry.output and "rien n'a été écrit" in dry.output
    assert runner.invoke(app, ["anonymisation", "show", "patients-anonymises"]).exit_code == 2
    done = runner.invoke(app, ["anonymise", str(path)])
    assert done.exit_code == 0, done.output
    assert "Version 1 écrite" in done.output and "Publiable" in done.output
    shown = runner.invoke(app, ["anonymisation", "show", "patients-anonymises", "--json"])
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.output)
    assert view["source"] == "patients" and view["report"]["k_anonymity"]["k_achieved"] >= 5
    assert KEY not in dry.output + done.output + shown.output


def test_unmet_thresholds_and_bad_recipes_are_clear(home: Path) -> None:
    path = home / "stricte.yaml"
    strict = recipe(k_anonymity={"quasi_identifiers": ["age", "sexe"], "k": 5000})
    strict["k_anonymity"]["max_suppression"] = 0.1
    path.write_text(yaml.safe_dump(strict, allow_unicode=True), encoding="utf-8")
    done = runner.invoke(app, ["anonymise", str(path)])
    assert done.exit_code == 0, done.output
    assert "Non publiable" in done.output and "k-anonymat non atteint" in done.output
    path.write_text("source: {dataset: patients}\noutput: {dataset: x}\nsteps: [{step: hacher}]\n")
    bad = runner.invoke(app, ["anonymise", str(path)])
    assert bad.exit_code == 2 and "étape inconnue" in bad.output and "Traceback" not in bad.output
