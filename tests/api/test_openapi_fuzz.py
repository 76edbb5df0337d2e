"""schemathesis against the API's OpenAPI descriptions (Socle's own and the OGC service's),
through the ASGI app, as three callers: anonymous, a partner whose agreement hides columns
and rows, and the owner's DPO (API tokens).

Each operation gets ``EXAMPLES`` requests that follow its schema and as many that break it,
half of them on real datasets of the access matrix's population (tests/api/test_access_matrix)
and half on generated path values. Every response must be a non-5xx that matches the
description: documented status, media type and body schema; a request that breaks the schema
must be refused with a 4xx. One check is left out: schemathesis's "a schema-valid request
must be accepted" cannot hold for parameters whose grammar JSON Schema does not express
(``where``, ``order_by``, dates given as text...); they answer 400 with a problem, which the
other checks verify. The second half pins, one test each, what the fuzzing found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from socle.api.app import create_app
from socle.api.problems import PROBLEM_JSON
from socle.config import Settings
from socle.instance import open_instance
from tests.api.test_access_matrix import CONTRIBUTED, PARTIAL, SAMPLE_VALUES, populate

CALLERS = ("anonymous", "partner_with", "dpo")
SECRETS: dict[str, str] = {}
# Real path values: a public dataset, the partner's partial view, an internal dataset.
SLUGS = ("niveau-public", PARTIAL, "niveau-internal")
EXAMPLES = 8  # per operation and mode: the file runs in under 2 minutes on 2 busy cores


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("fuzz")
    instance = open_instance(Settings(home=folder / "home"))
    SECRETS.update(populate(instance, folder))
    yield create_app(instance.settings, instance)
    instance.close()


def auth(caller: str) -> dict[str, str]:
    secret = SECRETS[caller]
    return {"Authorization": f"Bearer {secret}"} if secret else {}


def real_values(path: str, slug: str) -> dict[str, str]:
    values = {**SAMPLE_VALUES, **CONTRIBUTED, "slug": slug, "featureId": "1"}
    return {name: values[name] for name in re.findall(r"\{(\w+)\}", path) if name in values}


def cases(operation: Any, mode: GenerationMode) -> st.SearchStrategy[Case]:
    """Generated requests, half of them with every path value generated too."""
    if "{" not in operation.path:
        return operation.as_strategy(mode)  # type: ignore[no-any-return]
    real = [
        operation.as_strategy(mode, path_parameters=real_values(operation.path, slug))
        for slug in SLUGS
    ]
    return st.one_of(operation.as_strategy(mode), st.one_of(real))


def fuzz(schema: Any) -> list[str]:
    """Every operation's failures, all of them rather than the first."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=cases(operation, mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def check(case: Case) -> None:
                for caller in CALLERS:
                    note(f"caller: {caller}")
                    case.call_and_validate(
                        headers=auth(caller), excluded_checks=[positive_data_acceptance]
                    )

            try:
                check()
            except Unsatisfiable:
                pass  # nothing in this operation's schema can be broken (negative mode)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis's failure groups
                text = "\n".join(line[:300] for line in str(exc).splitlines())
                failures.append(f"=== {operation.label} ({mode.value})\n{text}")
    return failures


@pytest.mark.slow
def test_the_api_keeps_to_its_description(app: Any) -> None:
    failures = fuzz(schemathesis.openapi.from_asgi("/api/v1/openapi.json", app))
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_the_ogc_service_keeps_to_its_description(app: Any) -> None:
    # Described for the DPO, it names every collection: the others must not find the hidden ones.
    schema = schemathesis.openapi.from_asgi("/api/ogc/api", app, headers=auth("dpo"))
    assert len(list(schema.get_all_operations())) > 4 * 5
    failures = fuzz(schema)
    assert not failures, "\n".join(failures)


# What the fuzzing found, pinned ----------------------------------------------------------------

HUGE = "99999999999999999999"  # past SQLite's and PostgreSQL's INTEGER


def test_hostile_version_numbers_are_refused_not_crashed(client: TestClient) -> None:
    for url in (
        f"/api/v1/datasets/comptages/records?version={HUGE}",
        f"/api/v1/datasets/comptages/quality?version={HUGE}",
        f"/api/v1/datasets/comptages/exports/csv?version={HUGE}",
        f"/api/v1/datasets/comptages/versions/{HUGE}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.headers["content-type"] == PROBLEM_JSON
    assert client.get(f"/jeux-de-donnees/comptages/qualite?version={HUGE}").status_code == 400
    assert client.get("/api/v1/datasets/comptages/versions/2147483647").status_code == 404


def test_usage_periods_take_iso_days_only_and_reach_back_to_year_one(client: TestClient) -> None:
    stats = "/api/v1/datasets/comptages/stats"
    early = client.get(f"{stats}?to=0001-01-01")
    assert early.status_code == 200
    assert (early.json()["from"], early.json()["to"]) == ("0001-01-01", "0001-01-01")
    for day in ("1.5", "2.6e-35", "20240101"):  # pydantic read numbers as Unix times
        response = client.get(stats, params={"from": day})
        assert response.status_code == 400, day
        assert response.headers["content-type"] == PROBLEM_JSON
    assert client.get(f"{stats}?from=2024-01-01").status_code == 200


def test_request_statuses_are_the_published_ones(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    (status,) = [
        p for p in spec["paths"]["/api/v1/requests"]["get"]["parameters"] if p["name"] == "status"
    ]
    assert status["schema"]["anyOf"][0]["enum"] == ["open", "answered", "closed"]
    assert client.get("/api/v1/requests?status=closed").status_code == 200
    assert client.get("/api/v1/requests?status=pending").status_code == 400


def test_the_description_declares_what_the_routes_answer(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses, f"{method} {path}: the boundary answers 400"
            errors = responses["400"]["content"]
            native = not path.startswith(("/api/explore/", "/api/3/"))
            assert (PROBLEM_JSON in errors) is native, f"{method} {path}"
    exported = paths["/api/v1/datasets/{slug}/exports/{fmt}"]["get"]["responses"]["200"]
    assert {"text/csv", "application/vnd.apache.parquet"} <= set(exported["content"])
    ods = paths["/api/explore/v2.1/catalog/datasets/{slug}"]["get"]["responses"]["404"]
    assert ods["content"]["application/json"]["schema"]["required"] == ["message", "error_code"]


def test_the_ogc_description_declares_missing_features(app: Any) -> None:
    with TestClient(app) as test_client:
        paths = test_client.get("/api/ogc/api").json()["paths"]
        missing = test_client.get("/api/ogc/collections/niveau-public/items/99999")
    assert missing.status_code == 404
    assert "404" in paths["/collections/niveau-public/items/{featureId}"]["get"]["responses"]
    assert "404" not in paths["/conformance"]["get"]["responses"]
