"""Agreements, partners' deliveries and the board through the HTTP API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core.agreements import add_agreement
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.obligations import ObligationTerms
from socle.core.organizations import create_organization
from socle.core.schemas import add_schema
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance
from tests.core.test_deliveries import INVALID, SCHEMA, VALID

PASSWORD = "une phrase de passe solide"
OBLIGATION = ObligationTerms("frequentation", "MONTHLY", date(2099, 1, 31), "frequentation")
USERS = {
    "partner": ("p@transdev.fr", "transdev", "partner"),
    "steward": ("s@agglo.fr", "agglo", "steward"),
    "agent": ("a@agglo.fr", "agglo", "agent"),
    "outsider": ("x@labo.fr", "labo", "partner"),
}


@pytest.fixture
def world(instance: Instance, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    for org in ("agglo", "transdev", "labo"):
        create_organization(instance, org, org.title())
    add_schema(instance, ADMIN, SCHEMA, "frequentation.json")
    source = tmp_path / "initial.csv"
    source.write_text(VALID, encoding="utf-8")
    for slug, access in (("frequentation", "internal"), ("arrets", "partners")):
        meta = parse_metadata(title=slug, access=access)
        add_version(instance, ADMIN, source, slug, organization="agglo", metadata=meta)
    add_agreement(
        instance, ADMIN, "dsp", title="DSP transport", organization="agglo",
        partner="transdev", datasets=["arrets", "frequentation"], starts_on=date(2025, 1, 1),
        purpose="Suivre la fréquentation", hosting="Hébergement en France",
        obligations=[OBLIGATION],
    )  # fmt: skip
    secrets = {}
    for who, (email, org, role) in USERS.items():
        user = create_user(instance, email, PASSWORD)
        set_membership(instance, org, email, role)
        secrets[who] = create_token(instance, user.id, "t", "write")[1]
        secrets[f"{who}-read"] = create_token(instance, user.id, "t", "read")[1]
    with TestClient(create_app(instance.settings, instance)) as client:
        yield client, secrets


def auth(secrets: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secrets[who]}"}


def upload(client: TestClient, secrets: dict[str, str], who: str, text: str, name: str = "f.csv"):  # type: ignore[no-untyped-def]
    obligation = client.get("/api/v1/agreements/dsp", headers=auth(secrets, "steward")).json()[
        "obligations"
    ][0]["id"]
    return client.post(
        f"/api/v1/agreements/dsp/obligations/{obligation}/deliveries",
        files={"file": (name, text.encode("utf-8"), "text/csv")},
        headers=auth(secrets, who),
    )


def test_the_partner_sees_its_agreement_without_what_it_cannot_read(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, secrets = world
    listing = client.get("/api/v1/agreements", headers=auth(secrets, "partner")).json()
    assert [a["slug"] for a in listing["results"]] == ["dsp"]
    detail = client.get("/api/v1/agreements/dsp", headers=auth(secrets, "partner")).json()
    assert detail["clauses"]["hosting"] == "Hébergement en France"
    assert [d["slug"] for d in detail["datasets"]] == ["arrets"]  # the internal one stays hidden
    [obligation] = detail["obligations"]
    assert obligation["dataset"] == "frequentation" and obligation["schema"] == "frequentation@1"
    assert obligation["status"] == "pending" and obligation["next_due_on"] == "2099-01-31"
    steward = client.get("/api/v1/agreements/dsp", headers=auth(secrets, "steward")).json()
    assert {d["slug"] for d in steward["datasets"]} == {"arrets", "frequentation"}
    for who in ("agent", "outsider"):
        assert client.get("/api/v1/agreements", headers=auth(secrets, who)).json()["results"] == []
        missing = client.get("/api/v1/agreements/dsp", headers=auth(secrets, who))
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


def test_a_delivery_is_a_validated_version_and_shows_on_the_board(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, secrets = world
    response = upload(client, secrets, "partner", VALID, "janvier.csv")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["valid"] is True and body["version"] == 2 and body["due_on"] == "2099-01-31"
    assert body["delivered_by"] == "p@transdev.fr"
    versions = client.get(
        "/api/v1/datasets/frequentation/versions", headers=auth(secrets, "steward")
    )
    assert versions.json()["results"][0]["source_name"] == "janvier.csv"
    board = client.get("/api/v1/organizations/agglo/deliveries", headers=auth(secrets, "steward"))
    [row] = board.json()["results"]
    assert row["status"] == "on_time" and row["next_due_on"] == "2099-02-28"
    response = upload(client, secrets, "partner", INVALID)
    assert response.status_code == 201 and response.json()["valid"] is False
    board = client.get("/api/v1/organizations/agglo/deliveries", headers=auth(secrets, "steward"))
    assert board.json()["results"][0]["status"] == "invalid"


def test_only_the_partner_delivers_and_only_with_a_writing_token(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, secrets = world
    for who in ("steward", "agent", "outsider"):
        response = upload(client, secrets, who, VALID)
        assert response.status_code == 404, who
    assert upload(client, secrets, "partner-read", VALID).status_code == 403
    empty = upload(client, secrets, "partner", "")
    assert empty.status_code == 400 and "vide" in empty.json()["detail"]
    obligation_url = "/api/v1/agreements/dsp/obligations/inconnue/deliveries"
    stranger = client.post(
        obligation_url, files={"file": ("f.csv", b"a\n1\n")}, headers=auth(secrets, "partner")
    )
    assert stranger.status_code == 404
    not_a_form = client.post(
        upload_url(client, secrets), content=b"a;b\n", headers=auth(secrets, "partner")
    )
    assert not_a_form.status_code == 400
    # A session cookie alone cannot deliver through the API: another site could replay it.
    anonymous = client.post(upload_url(client, secrets), files={"file": ("f.csv", b"a\n1\n")})
    assert anonymous.status_code == 401
    versions = client.get(
        "/api/v1/datasets/frequentation/versions", headers=auth(secrets, "steward")
    )
    assert len(versions.json()["results"]) == 1


def upload_url(client: TestClient, secrets: dict[str, str]) -> str:
    detail = client.get("/api/v1/agreements/dsp", headers=auth(secrets, "steward")).json()
    return f"/api/v1/agreements/dsp/obligations/{detail['obligations'][0]['id']}/deliveries"


def test_the_board_exists_for_the_owners_followers_only(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, secrets = world
    for who in ("partner", "agent", "outsider"):
        response = client.get("/api/v1/organizations/agglo/deliveries", headers=auth(secrets, who))
        assert response.status_code == 404, who
    assert client.get("/api/v1/organizations/agglo/deliveries").status_code == 404
