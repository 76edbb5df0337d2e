"""``socle register`` end to end: add, update from JSON, DPIA checklist and workflow, links,
settings, exports (XLSX, ODS, printable HTML), and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from tests.cli.test_accounts import home, run  # noqa: F401 - fixture

CSV = "commune;montant\nBourg;12\n"


def test_register_commands(home: Path) -> None:  # noqa: F811
    source = home / "aides.csv"
    source.write_text(CSV, encoding="utf-8")
    run("orgs", "add", "agglo", "--name", "Agglomération")
    run("ingest", str(source), "--dataset", "aides", "--org", "agglo")
    added = run("register", "add", "aides-sociales", "--org", "agglo", "--name", "Aides sociales",
                "--legal-basis", "public_task", "--subject", "Demandeurs",
                "--category", "identity=5 ans", "--category", "health=2 ans")  # fmt: skip
    assert "ajouté au registre" in added
    fields = {"transfers": [{"recipient": "Support", "country": "Maroc",
                             "safeguard": "standard_clauses"}],
              "security_measures": {"encryption": "AES-256 au repos"}}  # fmt: skip
    (home / "fiche.json").write_text(json.dumps(fields), encoding="utf-8")
    run("register", "update", "aides-sociales", "--json", str(home / "fiche.json"))
    shown = run("register", "show", "aides-sociales")
    assert "AIPD non requise" in shown and "(donnée sensible)" in shown and "2 ans" in shown

    required = run("register", "dpia", "aides-sociales", "--cnil-type", "social_support")
    assert "AIPD requise" in required and "médico-social" in required
    run("register", "dpia", "aides-sociales", "--status", "in_progress")
    refused = run("register", "dpia", "aides-sociales", "--status", "validated", code=2)
    assert "ne peut pas passer" in refused
    run("register", "dpia", "aides-sociales", "--status", "dpo_opinion")
    run("register", "dpia", "aides-sociales", "--opinion", "Favorable", "--action", "Former")
    assert "Validée" in run("register", "dpia", "aides-sociales", "--status", "validated")

    assert "rattaché" in run("register", "link-dataset", "aides-sociales", "aides")
    listing = run("register", "list")
    assert "aides-sociales" in listing and "requise" in listing
    run("register", "settings", "agglo", "--dpo-email", "dpo@agglo.fr", "--publish")

    run("register", "export", "agglo", "-o", str(home / "registre.xlsx"))
    book = openpyxl.load_workbook(home / "registre.xlsx")
    assert book.sheetnames == ["Registre", "1 - Aides sociales"]
    run("register", "export", "agglo", "-o", str(home / "registre.ods"), "--format", "ods")
    assert CalamineWorkbook.from_path(str(home / "registre.ods")).sheet_names == book.sheetnames
    run("register", "export", "agglo", "-o", str(home / "registre.html"), "--format", "html")
    page = (home / "registre.html").read_text(encoding="utf-8")
    assert "<style>" in page and "AES-256 au repos" in page and "dpo@agglo.fr" in page

    # Bad input: one clear line, never a traceback.
    assert "base légale" in run("register", "add", "x", "--org", "agglo", "--name", "X",
                                "--legal-basis", "envie", code=2)  # fmt: skip
    assert "introuvable" in run("register", "show", "inconnu", code=2)
    assert "introuvable" in run("register", "add", "y", "--org", "nulle", "--name", "Y", code=2)
    (home / "cassé.json").write_text("{", encoding="utf-8")
    assert "JSON" in run("register", "update", "aides-sociales", "--json", str(home / "cassé.json"),
                         code=2)  # fmt: skip
    assert "Format" in run("register", "export", "agglo", "-o", str(home / "x"), "--format", "pdf",
                           code=2)  # fmt: skip
