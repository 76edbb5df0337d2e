"""``/api/v1/register`` and ``/api/v1/organizations/{slug}/register``: keepers write with a
write token, read-only tokens are refused (403), everyone else gets 404 until the register is
published; errors are problem+json; exports open as spreadsheets."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from socle.core.memberships import set_membership
from socle.core.users import create_user
from socle.instance import Instance
from tests.api.test_tokens import PASSWORD, bearer, token_for

ENTRY = {
    "organization": "agglo",
    "slug": "subventions-associations",
    "name": "Subventions aux associations",
    "purpose": "Instruire les demandes de subvention",
    "legal_basis": "public_task",
    "data_subjects": ["Dirigeants d'associations"],
    "data_categories": [{"category": "identity", "retention": "10 ans"}],
    "contact_name": "Service vie associative",
}


@pytest.fixture
def callers(instance: Instance, client: TestClient) -> dict[str, dict[str, str]]:
    """Write tokens for a DPO, an admin and an agent of « agglo »; a read token for the DPO."""
    tokens = {}
    for role in ("dpo", "admin", "agent"):
        email = f"{role}@agglo.fr"
        create_user(instance, email, PASSWORD)
        set_membership(instance, "agglo", email, role)
        tokens[role] = bearer(token_for(instance, email, "write"))
    tokens["dpo_read"] = bearer(token_for(instance, "dpo@agglo.fr", "read"))
    tokens["anonymous"] = {}
    return tokens


def problem(response: object, status: int, words: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert words in response.json()["detail"]  # type: ignore[attr-defined]


def test_keepers_write_others_see_nothing(
    client: TestClient, callers: dict[str, dict[str, str]]
) -> None:
    created = client.post("/api/v1/register", json=ENTRY, headers=callers["dpo"])
    assert created.status_code == 201, created.text
    assert created.json()["dpia"] == {
        "required": False,
        "status": "to_do",
        "status_label": "À faire",
        "reasons": [],
        "criteria": [],
        "cnil_types": [],
        "next_statuses": ["in_progress"],
        "opinion": "",
        "opinion_date": None,
        "action_plan": [],
    }
    url = "/api/v1/register/subventions-associations"
    criteria = {"dpia_criteria": ["large_scale", "vulnerable_subjects"]}
    changed = client.patch(url, json=criteria, headers=callers["admin"])
    assert changed.json()["dpia"]["required"] is True
    assert client.get(url, headers=callers["dpo_read"]).json()["contact"]["name"]
    problem(client.patch(url, json={"name": "x"}, headers=callers["dpo_read"]), 403, "lecture")
    for outsider in ("agent", "anonymous"):
        problem(client.get(url, headers=callers[outsider]), 404, "introuvable")
        problem(client.patch(url, json={"name": "x"}, headers=callers[outsider]), 404, "")
        assert client.get("/api/v1/register", headers=callers[outsider]).json()["total_count"] == 0
        problem(client.get("/api/v1/organizations/agglo/register.xlsx", headers=callers[outsider]),
                404, "introuvable")  # fmt: skip
    assert client.get("/api/v1/register", headers=callers["dpo"]).json()["total_count"] == 1


def test_datasets_dpia_workflow_and_publication(
    client: TestClient, callers: dict[str, dict[str, str]]
) -> None:
    dpo = callers["dpo"]
    client.post("/api/v1/register", json=ENTRY, headers=dpo)
    url = "/api/v1/register/subventions-associations"
    linked = client.post(f"{url}/datasets", json={"dataset": "subventions"}, headers=dpo)
    assert [d["slug"] for d in linked.json()["datasets"]] == ["subventions"]
    problem(client.post(f"{url}/datasets", json={"dataset": "nulle-part"}, headers=dpo), 404, "")
    problem(client.post(f"{url}/dpia/status", json={"status": "validated"}, headers=dpo), 409,
            "ne peut pas passer")  # fmt: skip
    problem(client.post(f"{url}/dpia/status", json={"status": "fini"}, headers=dpo), 400, "")
    for status in ("in_progress", "dpo_opinion"):
        assert client.post(f"{url}/dpia/status", json={"status": status}, headers=dpo).is_success
    opinion = {"dpia_opinion": "Favorable", "dpia_opinion_date": "2026-02-01"}
    client.patch(url, json=opinion, headers=dpo)
    done = client.post(f"{url}/dpia/status", json={"status": "validated"}, headers=dpo)
    assert done.json()["dpia"]["status_label"] == "Validée"
    unlinked = client.delete(f"{url}/datasets/subventions", headers=dpo)
    assert unlinked.json()["datasets"] == []
    problem(client.patch(url, json={"legal_basis": "envie"}, headers=dpo), 400, "base légale")

    settings = {"published": True, "dpo_email": "dpo@agglo.fr", "dpo_name": "Nom Privé"}
    client.patch("/api/v1/organizations/agglo/register", json=settings, headers=dpo)
    public = client.get("/api/v1/organizations/agglo/register").json()
    assert public["published"] and not public["kept"]
    assert "Nom Privé" not in str(public) and "Service vie associative" not in str(public)
    assert public["activities"][0]["name"] == "Subventions aux associations"
    assert client.get(url).status_code == 200
    # Publishing is not editing: the public still cannot write.
    problem(client.patch(url, json={"name": "x"}), 404, "")


def test_spreadsheet_exports(client: TestClient, callers: dict[str, dict[str, str]]) -> None:
    client.post("/api/v1/register", json=ENTRY, headers=callers["dpo"])
    xlsx = client.get("/api/v1/organizations/agglo/register.xlsx", headers=callers["dpo_read"])
    assert xlsx.status_code == 200
    assert "registre-traitements-agglo.xlsx" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Registre", "1 - Subventions aux association"]  # 31 characters
    ods = client.get("/api/v1/organizations/agglo/register.ods", headers=callers["dpo_read"])
    assert ods.headers["content-type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert CalamineWorkbook.from_filelike(io.BytesIO(ods.content)).sheet_names == book.sheetnames
    problem(client.get("/api/v1/organizations/agglo/register.pdf", headers=callers["dpo"]), 400,
            "inconnu")  # fmt: skip
