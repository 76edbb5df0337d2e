"""The register's portal pages: a keeper creates, edits and prints, links a dataset, moves the
DPIA along and publishes; visitors see only the published register, without internal
contacts; every page is structurally sound in French and English."""

from __future__ import annotations

import html as htmllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core.memberships import set_membership
from socle.core.users import create_user
from socle.instance import Instance
from tests.api.conftest import populate
from tests.portal._html import check_page
from tests.portal.test_accounts import csrf_of, sign_in

PASSWORD = "une phrase de passe solide"


@pytest.fixture
def dpo(instance: Instance, tmp_path: Path) -> Iterator[TestClient]:
    """A DPO of « agglo », signed in."""
    populate(instance, tmp_path)
    create_user(instance, "dpo@agglo.fr", PASSWORD)
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    app = create_app(instance.settings, instance)
    with TestClient(app, base_url="https://testserver") as client:
        assert sign_in(client, "dpo@agglo.fr", PASSWORD).status_code == 303
        yield client


def post(client: TestClient, path: str, data: dict[str, str], page: str) -> object:
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def text(response: object) -> str:
    return htmllib.unescape(response.text)  # type: ignore[attr-defined]


def test_a_dpo_keeps_the_register_and_publishes_it(dpo: TestClient) -> None:
    form = {
        "organization": "agglo",
        "name": "Subventions aux associations",
        "contact_name": "Claire Interne",
        "legal_basis": "public_task",
        "data_subjects": "Dirigeants\nBénévoles",
        "categorie-identity": "1",
        "categorie-identity-delai": "10 ans",
        "categorie-health": "1",
        "transfert-0-destinataire": "Support",
        "transfert-0-pays": "Suisse",
        "transfert-0-garantie": "adequacy",
        "mesure-backup": "Quotidienne",
        "critere-large_scale": "1",
        "critere-sensitive_data": "1",
        "action-0-mesure": "Chiffrer les sauvegardes",
        "dpia_opinion": "Avis favorable",
        "dpia_opinion_date": "2026-01-15",
    }
    created = post(dpo, "/registre/nouveau", form, "/registre/nouveau")
    assert created.status_code == 303  # type: ignore[attr-defined]
    url = created.headers["location"]  # type: ignore[attr-defined]
    assert url == "/registre/subventions-aux-associations"
    page = text(dpo.get(url))
    expected = ("AIPD requise", "2 critères du CEPD remplis", "10 ans", "Suisse", "Quotidienne",
                "Chiffrer les sauvegardes", "Avis favorable", "sensible")  # fmt: skip
    for words in expected:
        assert words in page, words
    edit = text(dpo.get(url + "/modifier"))
    assert 'id="critere-large_scale" name="critere-large_scale" value="1" checked' in edit

    linked = post(dpo, url + "/jeux", {"dataset": "subventions"}, url)
    assert linked.status_code == 303  # type: ignore[attr-defined]
    assert "/jeux-de-donnees/subventions" in dpo.get(url).text
    for status in ("in_progress", "dpo_opinion", "validated"):
        post(dpo, url + "/aipd", {"statut": status}, url)
    assert "Validée" in text(dpo.get(url))
    refused = post(dpo, url + "/aipd", {"statut": "to_do"}, url)
    assert refused.status_code == 303  # type: ignore[attr-defined]
    assert "ne peut pas passer" in text(dpo.get(url))

    bad = post(dpo, url + "/modifier", {"name": "", "legal_basis": "envie"}, url + "/modifier")
    assert bad.status_code == 400 and "base légale" in text(bad)  # type: ignore[attr-defined]

    printable = text(dpo.get("/organisations/agglo/registre/impression"))
    assert "Fiche n° 1 : Subventions aux associations" in printable
    assert "Claire Interne" in printable and "register-print.css" in printable

    # Nobody else sees it until it is published; then without the internal contact.
    anonymous = TestClient(dpo.app, base_url="https://testserver")
    assert anonymous.get(url).status_code == 404
    assert anonymous.get("/organisations/agglo/registre").status_code == 404
    assert "Subventions aux associations" not in anonymous.get("/registre").text
    post(dpo, "/organisations/agglo/registre", {"published": "1", "dpo_email": "dpo@agglo.fr"},
         "/organisations/agglo/registre")  # fmt: skip
    public = text(anonymous.get(url))
    assert "Subventions aux associations" in public and "Claire Interne" not in public
    assert "Quotidienne" not in public and "Modifier" not in public
    assert "Subventions aux associations" in anonymous.get("/registre").text
    assert anonymous.get(url + "/modifier").status_code == 404


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_pages_are_sound(dpo: TestClient, lang: str) -> None:
    post(dpo, "/registre/nouveau", {"organization": "agglo", "name": "Cantine"}, "/registre")
    dpo.cookies.set("lang", lang)
    for page in ("/registre", "/registre/nouveau", "/registre/cantine",
                 "/registre/cantine/modifier", "/organisations/agglo/registre",
                 "/organisations/agglo/registre/impression"):  # fmt: skip
        response = dpo.get(page)
        assert response.status_code == 200, page
        assert check_page(response.text, lang) == [], page
