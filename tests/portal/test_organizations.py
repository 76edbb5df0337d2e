"""``/organisations``: publishers, each with only the datasets the visitor may see."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.portal._html import check_page


def test_organizations_list_counts_visible_datasets(client: TestClient) -> None:
    html = client.get("/organisations").text
    assert check_page(html) == []
    assert '<a href="/organisations/agglo">Agglomération du Val</a>' in html
    assert "2 jeux de données" in html  # the internal third one is not counted


def test_organization_page(client: TestClient) -> None:
    html = client.get("/organisations/agglo").text
    assert check_page(html) == []
    assert "<h1>Agglomération du Val</h1>" in html
    assert "<td>200071751</td>" in html
    assert "Jeux de données (2)" in html
    assert "Comptages vélos et voitures" in html and "Arrêts de bus" in html
    assert "Subventions" not in html


def test_unknown_organization_is_a_french_404(client: TestClient) -> None:
    response = client.get("/organisations/inconnue")
    assert response.status_code == 404
    assert "Organisation « inconnue » introuvable" in response.text
