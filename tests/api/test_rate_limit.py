"""API rate limits: per IP address without a token, per token with one; 429 problem+json
with Retry-After; invented tokens count against the address; the portal is not limited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.api.rate_limit import TokenBuckets
from socle.config import Settings
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.instance import Instance, open_instance
from tests.api.conftest import populate

LIMIT = 5


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[Instance, TestClient]]:
    inst = open_instance(
        Settings(home=tmp_path / "home", api_rate_limit=LIMIT, api_token_rate_limit=LIMIT + 3)
    )
    populate(inst, tmp_path)
    with TestClient(create_app(inst.settings, inst)) as client:
        yield inst, client
    inst.close()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_an_address_gets_429_problem_json_with_retry_after(
    limited: tuple[Instance, TestClient],
) -> None:
    _, client = limited
    statuses = [client.get("/api/v1/datasets").status_code for _ in range(LIMIT)]
    assert statuses == [200] * LIMIT
    refused = client.get("/api/v1/datasets")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    # One request comes back every 60 / LIMIT = 12 seconds.
    assert refused.headers["retry-after"] in {"12", "13"}
    body = refused.json()
    assert body["type"].endswith("/too-many-requests") and body["status"] == 429
    assert body["retry_after"] == int(refused.headers["retry-after"])
    assert "réessayez" in body["detail"]
    assert refused.headers["x-content-type-options"] == "nosniff"  # headers on a 429 too
    # Every API family shares the limit; the portal's pages are not limited.
    assert client.get("/catalog.ttl").status_code == 429
    assert client.get("/api/3/action/package_list").status_code == 429
    assert client.get("/").status_code == 200


def test_a_token_has_its_own_bucket(limited: tuple[Instance, TestClient]) -> None:
    instance, client = limited
    user = create_user(instance, "agent@agglo.fr", "une phrase de passe solide")
    _, secret = create_token(instance, user.id, "test", "read")
    for _ in range(LIMIT):
        client.get("/api/v1/datasets")
    assert client.get("/api/v1/datasets").status_code == 429  # the address is spent
    statuses = [
        client.get("/api/v1/datasets", headers=bearer(secret)).status_code for _ in range(LIMIT + 3)
    ]
    assert statuses == [200] * (LIMIT + 3)
    assert client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 429


def test_invented_tokens_count_against_the_address(limited: tuple[Instance, TestClient]) -> None:
    _, client = limited
    statuses = [
        client.get("/api/v1/datasets", headers=bearer(f"socle_invente{i}")).status_code
        for i in range(LIMIT + 1)
    ]
    assert statuses == [401] * LIMIT + [429]
    assert client.get("/api/v1/datasets").status_code == 429


def test_no_limit_when_set_to_zero(client: TestClient) -> None:
    # The test suite's default (tests/conftest.py): SOCLE_API_RATE_LIMIT=0.
    assert {client.get("/api/v1/datasets").status_code for _ in range(50)} == {200}


def test_buckets_refill_at_the_rate() -> None:
    now = [1000.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])  # one request per second, 60 at once
    assert all(buckets.take("a") == 0 for _ in range(60))
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0  # another key is apart
    now[0] += 2.5
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(0.5)
    now[0] += 3600
    assert all(buckets.take("a") == 0 for _ in range(60))  # full again, never more
    assert buckets.take("a") > 0
