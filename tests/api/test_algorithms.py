"""``/api/v1/algorithms`` through the ASGI app: the published register for everyone, drafts for
the organization's keepers (by API token), exports of published entries only, problem+json."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from socle.core.memberships import set_membership
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.governance import algorithms
from socle.governance.policy import ADMIN
from socle.governance.register import (
    create_activity,
    parse_fields,
    parse_settings,
    update_register,
)
from socle.instance import Instance
from tests.governance.test_algorithms import COMPLETE

PASSWORD = "une phrase de passe solide"


def bearer(instance: Instance, email: str, role: str, scope: str = "read") -> dict[str, str]:
    user = create_user(instance, email, PASSWORD)
    set_membership(instance, "agglo", email, role)
    return {"Authorization": f"Bearer {create_token(instance, user.id, 't', scope)[1]}"}


@pytest.fixture
def register(client: TestClient, instance: Instance) -> TestClient:
    """A published entry citing the public and the internal dataset, and a draft."""
    algorithms.add_algorithm(
        instance,
        ADMIN,
        "tarif-cantine",
        organization="agglo",
        content=COMPLETE,
        datasets=["comptages", "subventions"],
    )
    algorithms.set_published(instance, ADMIN, "tarif-cantine", True)
    algorithms.add_algorithm(
        instance, ADMIN, "creches", organization="agglo", content={"name": "Places en crèche"}
    )
    return client


def test_everyone_reads_the_published_register(register: TestClient) -> None:
    listing = register.get("/api/v1/algorithms").json()
    assert listing["total_count"] == 1
    (entry,) = listing["results"]
    assert entry["slug"] == "tarif-cantine" and entry["status"] == "published"
    assert entry["automation_label"] == "Décision entièrement automatisée"
    assert entry["decisions_per_year"] == 4200
    assert entry["parameters"][0] == {
        "name": "Quotient familial",
        "weight": "100 %",
        "description": "=1+1",
    }
    # The internal dataset is not named to an anonymous reader.
    assert [d["slug"] for d in entry["datasets"]] == ["comptages"]
    assert "subventions" not in register.get("/api/v1/algorithms/tarif-cantine").text
    assert entry["page"] == "http://testserver/algorithmes/tarif-cantine"
    assert register.get("/api/v1/algorithms?organization=autre").json()["total_count"] == 0


def test_a_draft_is_missing_for_others_and_there_for_keepers(
    register: TestClient, instance: Instance
) -> None:
    missing = register.get("/api/v1/algorithms/creches")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"].endswith("/not-found")
    agent = bearer(instance, "agent@agglo.fr", "agent")
    assert register.get("/api/v1/algorithms/creches", headers=agent).status_code == 404
    assert register.get("/api/v1/algorithms", headers=agent).json()["total_count"] == 1

    dpo = bearer(instance, "dpo@agglo.fr", "dpo")
    draft = register.get("/api/v1/algorithms/creches", headers=dpo).json()
    assert draft["status"] == "draft" and draft["status_label"] == "Brouillon"
    assert register.get("/api/v1/algorithms", headers=dpo).json()["total_count"] == 2
    drafts = register.get("/api/v1/algorithms?status=draft", headers=dpo).json()
    assert [e["slug"] for e in drafts["results"]] == ["creches"]
    # The keeper reads every cited dataset and who changed what.
    entry = register.get("/api/v1/algorithms/tarif-cantine", headers=dpo).json()
    assert sorted(d["slug"] for d in entry["datasets"]) == ["comptages", "subventions"]
    history = register.get("/api/v1/algorithms/tarif-cantine/revisions", headers=dpo).json()
    assert [r["author"] for r in history["results"]] == ["admin", "admin"]


def test_the_history_is_public_without_authors(register: TestClient, instance: Instance) -> None:
    algorithms.update_algorithm(
        instance, ADMIN, "tarif-cantine", content={"decision_scope": "external"}
    )
    history = register.get("/api/v1/algorithms/tarif-cantine/revisions").json()
    assert history["total_count"] == 3
    newest = history["results"][0]
    assert newest["number"] == 3 and newest["event"] == "edited"
    assert newest["changes_labels"] == ["Portée de la décision"]
    assert all("author" not in r for r in history["results"])
    assert register.get("/api/v1/algorithms/creches/revisions").status_code == 404


def test_exports_hold_published_entries_only(register: TestClient, instance: Instance) -> None:
    dpo = bearer(instance, "dpo@agglo.fr", "dpo")
    exported = register.get("/api/v1/algorithms.json", headers=dpo).json()
    assert [e["slug"] for e in exported["results"]] == ["tarif-cantine"]
    response = register.get("/api/v1/algorithms.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "registre-algorithmes.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["Identifiant"] for r in rows] == ["tarif-cantine"]
    assert rows[0]["Jeux de données traités"].startswith("Comptages vélos et voitures (")
    assert "subventions" not in response.text and "creches" not in response.text


def test_bad_parameters_answer_problem_json(register: TestClient) -> None:
    response = register.get("/api/v1/algorithms?status=secret")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert register.get("/api/v1/algorithms/inconnu").status_code == 404


def test_an_entry_and_the_register_entries_it_cites(
    register: TestClient, instance: Instance
) -> None:
    """algoregister: both directions, each reader seeing only what they may see."""
    fields = parse_fields({"name": "Facturation de la cantine"})
    create_activity(instance, ADMIN, "agglo", "facturation", fields)
    algorithms.update_algorithm(
        instance, ADMIN, "tarif-cantine", content={}, processings=["facturation"]
    )
    algorithms.update_algorithm(instance, ADMIN, "creches", content={}, processings=["facturation"])
    dpo = bearer(instance, "dpo@agglo.fr", "dpo")
    steward = bearer(instance, "ref@agglo.fr", "steward")

    # agglo's register is unpublished: only its keepers see the entry cited.
    for headers in ({}, steward):
        entry = register.get("/api/v1/algorithms/tarif-cantine", headers=headers).json()
        assert entry["processings"] == []
        assert "facturation" not in register.get("/api/v1/algorithms.csv", headers=headers).text
        assert register.get("/api/v1/register/facturation", headers=headers).status_code == 404
    entry = register.get("/api/v1/algorithms/tarif-cantine", headers=dpo).json()
    assert [p["slug"] for p in entry["processings"]] == ["facturation"]
    assert entry["processings"][0]["api"] == "http://testserver/api/v1/register/facturation"
    history = register.get("/api/v1/algorithms/tarif-cantine/revisions").json()
    assert history["results"][0]["changes_labels"] == ["Traitements du registre RGPD"]
    cited_by = register.get("/api/v1/register/facturation", headers=dpo).json()["algorithms"]
    assert [(a["slug"], a["status"]) for a in cited_by] == [
        ("creches", "draft"),
        ("tarif-cantine", "published"),
    ]

    # Published, the register shows the public the published entry citing it, never the draft.
    update_register(instance, ADMIN, "agglo", parse_settings({"published": True}))
    public = register.get("/api/v1/register/facturation").json()
    assert [a["slug"] for a in public["algorithms"]] == ["tarif-cantine"]
    assert public["algorithms"][0]["portal"] == "http://testserver/algorithmes/tarif-cantine"
    rows = list(
        csv.DictReader(
            io.StringIO(register.get("/api/v1/algorithms.csv").text.lstrip("\ufeff")), delimiter=";"
        )
    )
    assert rows[0]["Traitements du registre RGPD"] == (
        "Facturation de la cantine (http://testserver/registre/facturation)"
    )
    book = openpyxl.load_workbook(
        io.BytesIO(register.get("/api/v1/organizations/agglo/register.xlsx").content)
    )
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Algorithmes publics fondés sur ce traitement" in cells
    assert "tarif-cantine" in cells and "creches" not in cells
