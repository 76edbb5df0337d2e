"""The `socle` command end to end, in a fresh SOCLE_HOME, as an administrator uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socle.cli import app
from socle.config import load_settings
from socle.core.usage import Kind, Ref, UsageCounter, today
from socle.instance import open_instance

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_list_show_update_diff_rollback(home: Path) -> None:
    run("orgs", "add", "agglo", "--name", "Agglo du Val", "--siren", "200071751")
    assert "Agglo du Val" in run("orgs", "list")
    first = home / "communes.csv"
    first.write_bytes("insee;nom\n01053;Bourg-en-Bresse\n01289;Péronnas\n".encode("cp1252"))
    output = run(
        "ingest", str(first), "--dataset", "communes", "--title", "Communes", "--org", "agglo"
    )
    assert "Version 1" in output and "2 lignes" in output and "insee" in output
    second = home / "communes-2.csv"
    second.write_text("insee;nom\n01053;Bourg-en-Bresse\n01451;Viriat\n", encoding="utf-8")
    assert "Version 2" in run("ingest", str(second), "--dataset", "communes")
    listing = run("datasets", "list")
    assert "communes" in listing and "internal" in listing
    run(
        "datasets",
        "update",
        "communes",
        "--access",
        "public",
        "--themes",
        "REGI",
        "--primary-key",
        "insee",
    )
    shown = json.loads(run("datasets", "show", "communes", "--json"))
    assert shown["access"] == "public"
    assert shown["themes"] == ["REGI"]
    assert shown["organization"]["slug"] == "agglo"
    diff = json.loads(run("datasets", "diff", "communes", "1", "--json"))
    assert (diff["rows_added"], diff["rows_removed"], diff["method"]) == (1, 1, "primary-key")
    assert "Version 3" in run("datasets", "rollback", "communes", "1")
    versions = run("datasets", "versions", "communes")
    assert "retour à v1" in versions
    assert "SOCLE_HOME" in run("config", "show")


def test_exports_prepare_writes_each_format_once(home: Path) -> None:
    source = home / "communes.csv"
    source.write_text("insee;nom\n01053;Bourg-en-Bresse\n", encoding="utf-8")
    run("ingest", str(source), "--dataset", "communes")
    output = run("exports", "prepare")
    # No geometry: GeoJSON is not one of this dataset's formats, and nothing is said of it.
    assert "communes (csv)" in output and "communes (parquet)" in output
    assert "geojson" not in output and "3 export(s) prêt(s)" in output
    assert "1 export(s)" in run("exports", "prepare", "communes", "--formats", "xlsx")
    result = runner.invoke(app, ["exports", "prepare", "--formats", "pdf"])
    assert result.exit_code == 2 and "pdf" in result.output


def test_stats_show_a_dataset_by_day_and_every_dataset_ranked(home: Path) -> None:
    source = home / "communes.csv"
    source.write_text("insee;nom\n01053;Bourg-en-Bresse\n", encoding="utf-8")
    run("ingest", str(source), "--dataset", "communes")  # internal: the admin sees it
    inst = open_instance(load_settings())
    counter = UsageCounter(inst.db)
    for kind, detail in ((Kind.VIEW, "tableau"), (Kind.DOWNLOAD, "csv"), (Kind.DOWNLOAD, "csv")):
        counter.add(Ref("communes"), kind, detail)
    counter.flush()
    inst.close()
    day = today().isoformat()
    shown = run("stats", "communes")
    assert "Formats : csv 2" in shown and "Pages : tableau 1" in shown and day in shown
    detail = json.loads(run("stats", "communes", "--json"))
    assert detail["granularity"] == "day" and detail["totals"]["downloads"] == 2
    ranked = json.loads(run("stats", "--from", day, "--to", day, "--json"))
    assert ranked == [
        {"slug": "communes", "title": "communes", "views": 1, "downloads": 2, "api_calls": 0}
    ]
    assert json.loads(run("stats", "--to", "2000-01-31", "--json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "absent.csv", "--dataset", "x"], "introuvable"),
        (["ingest", "{bad}", "--dataset", "x"], "binaire"),
        (["ingest", "{good}", "--dataset", "Pas Un Slug"], "Identifiant"),
        (["ingest", "{good}", "--dataset", "x", "--access", "secret"], "access"),
        (["ingest", "{good}", "--dataset", "x", "--licence", "maison"], "licence"),
        (["datasets", "show", "inconnu"], "introuvable"),
        (["orgs", "add", "a", "--name", "A", "--siren", "123"], "SIREN"),
        (["exports", "prepare", "inconnu"], "introuvable"),
        (["stats", "inconnu"], "introuvable"),
        (["stats", "--from", "hier"], "AAAA-MM-JJ"),
        (["stats", "--from", "2024-02-01", "--to", "2024-01-31"], "après"),
    ],
)
def test_bad_input_is_a_french_message_and_a_failure_code(
    home: Path, args: list[str], message: str
) -> None:
    (home / "bad.csv").write_bytes(b"\x00\x01\x02binary")
    (home / "good.csv").write_text("a\n1\n", encoding="utf-8")
    args = [a.format(bad=home / "bad.csv", good=home / "good.csv") for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Erreur" in result.output
    assert message in result.output
    assert "Traceback" not in result.output
