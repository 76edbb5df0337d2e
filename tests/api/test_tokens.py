"""API tokens on the API: ``Authorization: Bearer``, expiry, revocation, scope, 401s."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from socle.core.memberships import set_membership
from socle.core.organizations import create_organization
from socle.core.tokens import create_token, revoke_token
from socle.core.users import create_user, get_user, set_disabled
from socle.errors import NotFoundError
from socle.instance import Instance

PASSWORD = "une phrase de passe solide"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def token_for(instance: Instance, email: str, scope: str = "read", **limits: str) -> str:
    _, secret = create_token(instance, get_user(instance, email).id, "test", scope, **limits)
    return secret


@pytest.fixture
def agent(instance: Instance, client: TestClient) -> str:
    create_user(instance, "agent@agglo.fr", PASSWORD)
    set_membership(instance, "agglo", "agent@agglo.fr", "steward")
    return "agent@agglo.fr"


def assert_401(response: object, message: str) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert response.headers["www-authenticate"].startswith("Bearer")  # type: ignore[attr-defined]
    assert message in response.json()["detail"]  # type: ignore[attr-defined]


def test_a_token_names_its_user(client: TestClient, instance: Instance, agent: str) -> None:
    me = client.get("/api/v1/me", headers=bearer(token_for(instance, agent, "write")))
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == agent and body["superadmin"] is False
    assert body["memberships"][0]["role"] == "steward"
    assert body["token"]["scope"] == "write"
    assert_401(client.get("/api/v1/me"), "Authentification requise")


def test_a_member_reads_internal_data_a_stranger_does_not(
    client: TestClient, instance: Instance, agent: str
) -> None:
    headers = bearer(token_for(instance, agent))
    assert client.get("/api/v1/datasets/subventions", headers=headers).status_code == 200
    listing = client.get("/api/v1/datasets", headers=headers).json()
    assert sorted(d["slug"] for d in listing["results"]) == ["comptages", "subventions"]
    create_user(instance, "autre@ailleurs.fr", PASSWORD)
    stranger = bearer(token_for(instance, "autre@ailleurs.fr"))
    assert client.get("/api/v1/datasets/subventions", headers=stranger).status_code == 404
    listing = client.get("/api/v1/datasets", headers=stranger).json()
    assert [d["slug"] for d in listing["results"]] == ["comptages"]


def test_a_superadmin_token_reads_everything(client: TestClient, instance: Instance) -> None:
    create_user(instance, "root@agglo.fr", PASSWORD, superadmin=True)
    headers = bearer(token_for(instance, "root@agglo.fr"))
    assert client.get("/api/v1/datasets/subventions/records", headers=headers).status_code == 200
    assert client.get("/api/v1/datasets", headers=headers).json()["total_count"] == 2


def test_a_token_limited_to_a_dataset_or_an_organization(
    client: TestClient, instance: Instance
) -> None:
    create_user(instance, "root@agglo.fr", PASSWORD, superadmin=True)
    one = bearer(token_for(instance, "root@agglo.fr", dataset="subventions"))
    listing = client.get("/api/v1/datasets", headers=one).json()
    assert [d["slug"] for d in listing["results"]] == ["subventions"]
    assert client.get("/api/v1/datasets/comptages", headers=one).status_code == 404
    create_organization(instance, "autre", "Autre collectivité")
    other = bearer(token_for(instance, "root@agglo.fr", organization="autre"))
    assert client.get("/api/v1/datasets", headers=other).json()["total_count"] == 0
    assert client.get("/api/v1/datasets/comptages", headers=other).status_code == 404


def test_a_token_cannot_be_limited_to_a_dataset_its_user_cannot_see(
    client: TestClient, instance: Instance
) -> None:
    create_user(instance, "autre@ailleurs.fr", PASSWORD)
    with pytest.raises(NotFoundError, match="introuvable"):
        token_for(instance, "autre@ailleurs.fr", dataset="subventions")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer socle_nope", "invalide"),
        ("Bearer pas-un-jeton", "invalide"),
        ("Bearer " + "socle_" + "x" * 5000, "invalide"),
        ("Bearer ", "attendu"),
        ("Basic YWxpY2U6c2VjcmV0", "attendu"),
        ("Bearer socle_' OR 1=1 --", "invalide"),
    ],
)
def test_bad_credentials_answer_401(
    client: TestClient, agent: str, header: str, message: str
) -> None:
    assert_401(client.get("/api/v1/datasets", headers={"Authorization": header}), message)


def test_revoked_expired_and_disabled(client: TestClient, instance: Instance, agent: str) -> None:
    secret = token_for(instance, agent)
    with instance.db.engine.connect() as conn:
        token_id = conn.execute(sa.text("SELECT id FROM api_tokens")).scalar_one()
    revoke_token(instance, token_id)
    assert_401(client.get("/api/v1/datasets", headers=bearer(secret)), "révoqué")

    expiring = token_for(instance, agent)
    with instance.db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE api_tokens SET expires_at = '2000-01-01 00:00:00' WHERE revoked_at IS NULL"
            )
        )
    assert_401(client.get("/api/v1/datasets", headers=bearer(expiring)), "expiré")

    fresh = token_for(instance, agent)
    set_disabled(instance, agent, True)
    assert_401(client.get("/api/v1/datasets", headers=bearer(fresh)), "invalide")


def test_use_is_recorded_and_the_secret_never_stored_or_logged(
    client: TestClient, instance: Instance, agent: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = token_for(instance, agent)
    with caplog.at_level(logging.DEBUG):
        assert client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 200
        client.get("/api/v1/datasets", headers=bearer(secret + "x"))
    assert secret not in caplog.text
    with instance.db.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM api_tokens"))]
        (used,) = conn.execute(sa.text("SELECT last_used_at FROM api_tokens")).one()
    assert used is not None
    assert secret not in repr(rows) and secret[6:] not in repr(rows)
