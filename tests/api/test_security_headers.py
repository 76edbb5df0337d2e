"""Security headers on every kind of response: API answers, errors, files, pages, embeds,
the API documentation; HSTS only over TLS unless the administrator says otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import Settings
from socle.core import catalog
from socle.instance import Instance, open_instance
from tests.api.conftest import populate

RESPONSES = [
    "/api/v1/datasets",  # JSON
    "/api/v1/datasets/inconnu",  # problem+json 404
    "/catalog.ttl",  # DCAT feed
    "/static/socle/socle.js",  # a mounted static file
    "/",  # a portal page
    "/page-inconnue",  # the portal's error page
    "/jeux-de-donnees/comptages/graphique",
]


@pytest.mark.parametrize("path", RESPONSES)
def test_every_response_carries_the_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 404), path
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "strict-transport-security" not in headers  # plain HTTP


def test_api_answers_forbid_everything(client: TestClient) -> None:
    csp = client.get("/api/v1/datasets").headers["content-security-policy"]
    assert csp.startswith("default-src 'none'")


def test_pages_keep_their_own_policy(client: TestClient) -> None:
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


def test_embeds_may_be_framed_by_any_site(client: TestClient) -> None:
    response = client.get("/embed/jeux-de-donnees/comptages/graphique")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_api_docs_have_no_inline_script(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    if response.status_code == 404:
        pytest.skip("swagger-ui-dist is not installed (npm ci)")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "<script>" not in response.text and "<style" not in response.text
    assert 'data-openapi="/api/v1/openapi.json"' in response.text
    assert client.get("/static/socle/swagger-init.js").status_code == 200


def test_hsts_only_over_tls(instance: Instance, tmp_path: Path) -> None:
    populate(instance, tmp_path)
    app = create_app(instance.settings, instance)
    with TestClient(app, base_url="https://testserver") as client:
        for path in ("/", "/api/v1/datasets", "/static/socle/socle.js"):
            assert client.get(path).headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(app) as client:
        assert "strict-transport-security" not in client.get("/").headers


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[Instance]:
    inst = open_instance(Settings(home=tmp_path / "home", hsts_behind_proxy=True, hsts_seconds=600))
    yield inst
    inst.close()


def test_hsts_behind_a_proxy_that_does_not_tell(behind_proxy: Instance) -> None:
    with TestClient(create_app(behind_proxy.settings, behind_proxy)) as client:
        assert client.get("/").headers["strict-transport-security"] == "max-age=600"


def test_hsts_can_be_turned_off(tmp_path: Path) -> None:
    inst = open_instance(Settings(home=tmp_path / "home", hsts_seconds=0))
    try:
        app = create_app(inst.settings, inst)
        with TestClient(app, base_url="https://testserver") as client:
            assert "strict-transport-security" not in client.get("/").headers
    finally:
        inst.close()


def test_an_unexpected_error_carries_them_too(
    instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(catalog, "search", broken)
    app = create_app(instance.settings, instance)
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/jeux-de-donnees", "/api/v1/datasets"):
            response = client.get(path)
            assert response.status_code == 500, path
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
