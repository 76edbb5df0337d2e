"""``socle agreements add`` with clauses, ``socle agreements oblige`` and
``socle deliveries board`` end to end, with a delivery made through the API in between."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import load_settings
from socle.instance import open_instance
from tests.cli.test_accounts import PASSWORD, home, rows, run  # noqa: F401 - fixture
from tests.core.test_deliveries import SCHEMA, VALID


def deliver_through_the_api(secret: str) -> int:
    instance = open_instance(load_settings())
    try:
        with TestClient(create_app(instance.settings, instance)) as client:
            auth = {"Authorization": f"Bearer {secret}"}
            detail = client.get("/api/v1/agreements/dsp", headers=auth).json()
            url = f"/api/v1/agreements/dsp/obligations/{detail['obligations'][0]['id']}/deliveries"
            files = {"file": ("janvier.csv", VALID.encode("utf-8"), "text/csv")}
            return client.post(url, files=files, headers=auth).status_code
    finally:
        instance.close()


def test_oblige_a_partner_then_follow_the_board(home: Path) -> None:  # noqa: F811
    schema = home / "frequentation.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    source = home / "frequentation.csv"
    source.write_text(VALID, encoding="utf-8")
    run("orgs", "add", "agglo", "--name", "Agglo")
    run("orgs", "add", "transdev", "--name", "Transdev")
    run("schemas", "add", str(schema))
    run("ingest", str(source), "--dataset", "frequentation", "--org", "agglo")
    run(
        "agreements", "add", "dsp", "--title", "DSP", "--org", "agglo", "--partner", "transdev",
        "--dataset", "frequentation", "--start", "2025-01-01",
        "--purpose", "Suivre la fréquentation", "--hosting", "Hébergement en France",
    )  # fmt: skip
    assert rows("SELECT purpose, hosting FROM agreements") == [
        ("Suivre la fréquentation", "Hébergement en France")
    ]
    refused = run(
        "agreements", "oblige", "dsp", "--dataset", "frequentation", "--frequency", "HOURLY",
        "--first-due", "2025-01-31", code=2,
    )  # fmt: skip
    assert "Fréquence « HOURLY » impossible" in refused
    bad_date = run(
        "agreements", "oblige", "dsp", "--dataset", "frequentation", "--frequency", "MONTHLY",
        "--first-due", "31/01/2025", code=2,
    )  # fmt: skip
    assert "AAAA-MM-JJ" in bad_date
    added = run(
        "agreements", "oblige", "dsp", "--dataset", "frequentation", "--frequency", "monthly",
        "--first-due", "2025-01-31", "--schema", "frequentation@1",
    )  # fmt: skip
    assert "ajoutée à la convention « dsp »" in added

    shown = run("agreements", "show", "dsp")
    assert "Objet : Suivre la fréquentation" in shown and "Base légale : —" in shown
    assert "frequentation@1" in shown and "Mensuelle" in shown
    early = run("deliveries", "board", "agglo", "--on", "2025-01-15")
    assert "à venir" in early and "frequentation@1" in early and "2025-01-31" in early
    assert "manquante" in run("deliveries", "board", "agglo", "--on", "2025-02-15")

    run("users", "add", "p@transdev.fr", input=f"{PASSWORD}\n{PASSWORD}\n")
    run("orgs", "members", "add", "transdev", "p@transdev.fr", "--role", "partner")
    secret = run(
        "tokens", "create", "p@transdev.fr", "--name", "t", "--scope", "write"
    ).strip().splitlines()[-1]  # fmt: skip
    assert deliver_through_the_api(secret) == 201
    # One delivery today answers January 2025 only: later months are still owed.
    board = run("deliveries", "board", "agglo")
    assert "manquante" in board and "p@transdev.fr" in board and "version 2" in board
    assert "introuvable" in run("deliveries", "board", "inconnue", code=2)
