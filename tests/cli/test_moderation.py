"""``socle moderation`` and ``socle requests`` end to end, as an administrator uses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from socle.cli import app
from socle.config import load_settings
from socle.core import participation
from socle.governance.policy import ANONYMOUS
from socle.instance import open_instance

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "250")
    return tmp_path


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_moderate_and_answer_a_request(home: Path) -> None:
    run("orgs", "add", "agglo", "--name", "Agglo du Val")
    source = home / "bancs.csv"
    source.write_text("nom\nBanc 1\n", encoding="utf-8")
    run("ingest", str(source), "--dataset", "bancs", "--title", "Bancs", "--org", "agglo")
    instance = open_instance(load_settings())
    try:
        request = participation.create_request(
            instance,
            ANONYMOUS,
            title="Liste des bancs",
            description="Où s'asseoir ?",
            organization="agglo",
            contact_email="lea@example.fr",
        )
    finally:
        instance.close()
    short = request.id[:8]
    listed = run("moderation", "list")
    assert short in listed and "Liste des bancs" in listed and "lea@example.fr" in listed
    assert "agglo" in run("moderation", "notifications", "--org", "agglo")
    assert "publiée" in run("moderation", "approve", short)
    assert "0 contribution" in run("moderation", "list")
    assert "ouverte" in run("moderation", "list", "--kind", "request", "--status", "open")
    assert "répondue" in run("requests", "answer", short, "--text", "Voici.", "--dataset", "bancs")
    assert "fermée" in run("requests", "close", short)
    assert "fermée" in run("moderation", "list", "--all")
    assert "déjà modéré" in run("moderation", "approve", short, code=2)
    assert "introuvable" in run("requests", "answer", short[:6] + "zz", "--text", "x", code=2)
    assert "refusée" in run("moderation", "reject", short, "--reason", "Doublon")
