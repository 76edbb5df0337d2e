"""``socle agreements``, ``socle grants`` and ``socle datasets update --personal-data``
end to end: what the commands decide is what a partner then reads through the API."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import load_settings
from socle.instance import open_instance
from tests.cli.test_accounts import PASSWORD, home, run  # noqa: F401 - fixture

CSV = "commune;montant;note\nBourg;12;a\nPéronnas;5000;confidentiel\n"


def records(secret: str, slug: str) -> tuple[int, str]:
    instance = open_instance(load_settings())
    try:
        with TestClient(create_app(instance.settings, instance)) as client:
            auth = {"Authorization": f"Bearer {secret}"}
            response = client.get(f"/api/v1/datasets/{slug}/records", headers=auth)
            return response.status_code, response.text
    finally:
        instance.close()


def test_agreements_and_grants_open_and_close_a_dataset(home: Path) -> None:  # noqa: F811
    source = home / "aides.csv"
    source.write_text(CSV, encoding="utf-8")
    run("orgs", "add", "agglo", "--name", "Agglo")
    run("orgs", "add", "transdev", "--name", "Transdev")
    run("ingest", str(source), "--dataset", "aides", "--org", "agglo", "--access", "partners")
    run("users", "add", "p@transdev.fr", input=f"{PASSWORD}\n{PASSWORD}\n")
    run("orgs", "members", "add", "transdev", "p@transdev.fr", "--role", "partner")
    secret = run("tokens", "create", "p@transdev.fr", "--name", "t").strip().splitlines()[-1]
    assert records(secret, "aides")[0] == 404

    added = run(
        "agreements", "add", "dsp", "--title", "DSP", "--org", "agglo", "--partner",
        "transdev", "--dataset", "aides", "--columns", "commune,montant", "--rows",
        "montant < 100",
    )  # fmt: skip
    assert "créée" in added
    status, text = records(secret, "aides")
    assert status == 200 and "Bourg" in text
    assert "Péronnas" not in text and "confidentiel" not in text
    assert "montant < 100" in run("agreements", "list")
    run("agreements", "suspend", "dsp")
    assert records(secret, "aides")[0] == 404
    run("agreements", "resume", "dsp")
    assert records(secret, "aides")[0] == 200
    run("agreements", "end", "dsp")
    assert records(secret, "aides")[0] == 404
    assert "terminée" in run("agreements", "list")
    run("agreements", "resume", "dsp", code=2)

    # A named person reads a restricted dataset through a grant, until it is revoked.
    run("datasets", "update", "aides", "--access", "restricted")
    run("grants", "add", "aides", "--user", "p@transdev.fr")
    assert records(secret, "aides")[0] == 200
    listing = run("grants", "list", "--dataset", "aides")
    grant_id = next(w for w in listing.split() if len(w) == 36 and w.count("-") == 4)
    run("grants", "revoke", grant_id)
    assert records(secret, "aides")[0] == 404

    # Bad input: clear refusals, never a traceback.
    err = run("agreements", "add", "x", "--title", "X", "--org", "agglo", "--partner",
              "transdev", "--dataset", "aides", "--columns", "inconnue", code=2)  # fmt: skip
    assert "inconnue" in err
    run("grants", "add", "aides", code=2)


def test_personal_data_cannot_be_public(home: Path) -> None:  # noqa: F811
    source = home / "aides.csv"
    source.write_text(CSV, encoding="utf-8")
    run("orgs", "add", "agglo", "--name", "Agglo")
    run("ingest", str(source), "--dataset", "aides", "--org", "agglo")
    # Personal data beyond restricted needs a processing activity of the RGPD register.
    refused = run("datasets", "update", "aides", "--personal-data", code=2)
    assert "registre RGPD" in refused and "link-dataset" in refused
    run("register", "add", "aides", "--org", "agglo", "--name", "Aides")
    run("register", "link-dataset", "aides", "aides")
    run("datasets", "update", "aides", "--personal-data")
    refused = run("datasets", "update", "aides", "--access", "public", code=2)
    assert "données personnelles" in refused
    run("datasets", "update", "aides", "--access", "partners")
    assert "personal_data" in run("datasets", "show", "aides")
    run("datasets", "update", "aides", "--access", "public", "--no-personal-data")
