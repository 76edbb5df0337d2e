"""Agreements in the portal: the owner's admin signs one through the form, the partner's
member delivers a file, the board shows where it stands; everyone else finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.schemas import add_schema
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.portal.csrf import MAX_UPLOAD_BYTES
from tests.core.test_deliveries import INVALID, SCHEMA, VALID
from tests.portal._html import check_page
from tests.portal.test_accounts import csrf_of

PASSWORD = "cheval agrafe batterie"
PEOPLE = {
    "admin@agglo.fr": ("agglo", "admin"),
    "p@transdev.fr": ("transdev", "partner"),
    "x@labo.fr": ("labo", "partner"),
    "a@agglo.fr": ("agglo", "agent"),
}
FORM = {
    "slug": "dsp-transport",
    "title": "DSP transport urbain",
    "organization": "agglo",
    "partner": "transdev",
    "starts_on": "2025-01-01",
    "purpose": "Suivre la fréquentation du réseau",
    "legal_basis": "Contrat de DSP, article 12",
    "hosting": "Hébergement en France, aucun transfert hors UE",
    "datasets": "arrets",
    "obligation_dataset": "frequentation",
    "obligation_schema": "frequentation@1",
    "frequency": "MONTHLY",
    "first_due_on": "2099-01-31",
}


def populate(instance: Instance, tmp_path: Path) -> None:
    """« agglo » with two datasets and the registered schema; people of three organizations."""
    for org in ("agglo", "transdev", "labo"):
        create_organization(instance, org, org.title())
    add_schema(instance, ADMIN, SCHEMA, "frequentation.json")
    source = tmp_path / "initial.csv"
    source.write_text(VALID, encoding="utf-8")
    for slug, access in (("frequentation", "internal"), ("arrets", "partners")):
        meta = parse_metadata(title=f"Jeu {slug}", access=access)
        add_version(instance, ADMIN, source, slug, organization="agglo", metadata=meta)
    for email, (org, role) in PEOPLE.items():
        create_user(instance, email, PASSWORD)
        set_membership(instance, org, email, role)


@pytest.fixture
def app(instance: Instance, tmp_path: Path) -> object:
    populate(instance, tmp_path)
    return create_app(instance.settings, instance)


@pytest.fixture
def as_user(app: object) -> Iterator[object]:
    opened: list[TestClient] = []

    def open_as(email: str | None) -> TestClient:
        client = TestClient(app, base_url="https://testserver").__enter__()  # type: ignore[arg-type]
        opened.append(client)
        if email is not None:
            token = csrf_of(client.get("/connexion").text)
            data = {"csrf_token": token, "email": email, "password": PASSWORD}
            assert client.post("/connexion", data=data, follow_redirects=False).status_code == 303
        return client

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


def sign(client: TestClient, **changes: str) -> object:
    form = {**FORM, **changes}
    data = {"csrf_token": csrf_of(client.get("/conventions/nouvelle").text), **form}
    data["datasets"] = form["datasets"].split(",")  # type: ignore[assignment]
    return client.post("/conventions/nouvelle", data=data, follow_redirects=False)


def deliver(client: TestClient, text: str, name: str = "livraison.csv") -> object:
    page = client.get("/conventions/dsp-transport").text
    action = page.split('action="/conventions/dsp-transport/obligations/')[1].split('"')[0]
    return client.post(
        f"/conventions/dsp-transport/obligations/{action}",
        data={"csrf_token": csrf_of(page)},
        files={"file": (name, text.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )


def test_sign_deliver_and_follow_the_board(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin@agglo.fr")
    form = admin.get("/conventions/nouvelle")
    assert form.status_code == 200 and check_page(form.text) == []
    refused = sign(admin, frequency="HOURLY")
    assert refused.status_code == 400 and "HOURLY" in refused.text
    assert 'value="DSP transport urbain"' in refused.text  # what was typed stays
    signed = sign(admin)
    assert signed.status_code == 303 and signed.headers["location"] == "/conventions/dsp-transport"
    page = admin.get("/conventions/dsp-transport")
    assert "Contrat de DSP, article 12" in page.text and check_page(page.text) == []
    assert "Livrer un fichier" not in page.text  # the owner does not deliver
    more = {"csrf_token": csrf_of(page.text), "frequency": "WEEKLY", "first_due_on": "2099-01-06"}
    missing = admin.post("/conventions/dsp-transport/obligations", data=more)
    assert missing.status_code == 400 and "Choisissez le jeu" in missing.text
    added = admin.post(
        "/conventions/dsp-transport/obligations",
        data={**more, "obligation_dataset": "arrets"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = admin.get("/conventions/dsp-transport")
    assert "Livraison attendue ajoutée" in page.text and "Hebdomadaire" in page.text

    partner = as_user("p@transdev.fr")
    listing = partner.get("/conventions")
    assert "DSP transport urbain" in listing.text and check_page(listing.text) == []
    assert partner.get("/conventions/nouvelle").status_code == 404
    assert partner.get("/organisations/agglo/livraisons").status_code == 404
    delivered = deliver(partner, VALID)
    assert delivered.status_code == 303
    page = partner.get("/conventions/dsp-transport").text
    assert "Livraison enregistrée : version 2" in page and "conforme" in page

    board = admin.get("/organisations/agglo/livraisons")
    assert board.status_code == 200 and check_page(board.text) == []
    assert "À l'heure" in board.text and "p@transdev.fr" in board.text
    deliver(partner, INVALID, "mauvais.csv")
    assert "NON conforme" in partner.get("/conventions/dsp-transport").text
    assert "Invalide" in admin.get("/organisations/agglo/livraisons").text


def test_strangers_find_nothing(as_user) -> None:  # type: ignore[no-untyped-def]
    sign(as_user("admin@agglo.fr"))
    anonymous = as_user(None)
    response = anonymous.get("/conventions", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/connexion")
    for email in ("x@labo.fr", "a@agglo.fr"):
        client = as_user(email)
        assert "DSP transport" not in client.get("/conventions").text
        assert client.get("/conventions/dsp-transport").status_code == 404
        assert client.get("/conventions/nouvelle").status_code == 404
        assert client.get("/organisations/agglo/livraisons").status_code == 404
        token = csrf_of(client.get("/mon-compte").text)
        added = client.post(
            "/conventions/dsp-transport/obligations",
            data={"csrf_token": token, "obligation_dataset": "arrets", "frequency": "WEEKLY",
                  "first_due_on": "2099-01-06"},
        )  # fmt: skip
        assert added.status_code == 404
        token = csrf_of(client.get("/mon-compte").text)
        posted = client.post(
            "/conventions/dsp-transport/obligations/x/livraisons",
            data={"csrf_token": token},
            files={"file": ("a.csv", b"a\n1\n", "text/csv")},
        )
        assert posted.status_code == 404


def test_an_oversized_or_missing_file_is_refused_clearly(as_user) -> None:  # type: ignore[no-untyped-def]
    sign(as_user("admin@agglo.fr"))
    partner = as_user("p@transdev.fr")
    too_big = deliver(partner, "a\n" + "1\n" * (MAX_UPLOAD_BYTES // 2))
    assert too_big.status_code == 413
    page = partner.get("/conventions/dsp-transport").text
    obligation = page.split('action="/conventions/dsp-transport/obligations/')[1].split('"')[0]
    missing = partner.post(
        f"/conventions/dsp-transport/obligations/{obligation}",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("", b"", "text/csv")},
    )
    assert missing.status_code == 400 and "Choisissez le fichier" in missing.text
