"""The portal's side of the error boundary and the headers every page carries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core import catalog
from socle.instance import Instance
from tests.portal._html import check_page


def test_unknown_page_is_a_french_dsfr_404(client: TestClient) -> None:
    response = client.get("/page-inconnue")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "<h1>Page non trouvée</h1>" in response.text
    assert "Erreur 404" in response.text
    assert check_page(response.text) == []


def test_invalid_parameter_is_a_french_400_page(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees", params={"page": 0})
    assert response.status_code == 400
    assert "<h1>Entrée invalide</h1>" in response.text
    assert "Paramètre invalide" in response.text


def test_api_errors_stay_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/inconnu")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_pages_carry_security_headers(client: TestClient) -> None:
    for path in ("/", "/page-inconnue"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_unexpected_failure_is_a_french_500_page(
    instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(catalog, "search", broken)
    app = create_app(instance.settings, instance)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/jeux-de-donnees")
    assert response.status_code == 500
    assert "<h1>Erreur interne</h1>" in response.text
    assert "Une erreur inattendue est survenue" in response.text
    assert "disque plein" not in response.text  # internal detail stays in the log
