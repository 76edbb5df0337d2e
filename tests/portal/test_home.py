"""``/``: key figures, themes and latest datasets count only what the visitor may see."""

from __future__ import annotations

from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.instance import Instance
from tests.portal._html import check_page


def test_home_shows_figures_themes_and_latest(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert check_page(html) == []
    assert "<h1>Les données de Socle</h1>" in html
    assert "Comptages vélos et voitures" in html and "Arrêts de bus" in html
    assert 'href="/jeux-de-donnees?theme=TRAN">Transports (2)' in html
    assert '<span class="socle-figure__value">2</span> jeux de données' in html
    assert '<span class="socle-figure__value">1</span> organisation<' in html
    assert '<span class="socle-figure__value">6</span> lignes' in html  # 4 counts + 2 stops
    assert "Subventions" not in html  # internal: not listed, not counted
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_header_carries_the_instance_name(instance: Instance) -> None:
    settings = instance.settings.model_copy(update={"instance_name": "Grand Bourg Data"})
    with TestClient(create_app(settings, instance)) as client:
        html = client.get("/").text
    assert '<p class="fr-header__service-title">Grand Bourg Data</p>' in html
    assert "<title>Accueil — Grand Bourg Data</title>" in html
    assert "Aucun jeu de données public pour l'instant." in html  # an empty instance
