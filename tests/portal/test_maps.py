"""``/jeux-de-donnees/{slug}/carte``: the map page, its bounded GeoJSON, the base layer from
the communes dataset, the optional tile server, and the embed."""

from __future__ import annotations

import html as htmllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.instance import Instance
from socle.portal.routes import maps
from tests.portal._html import check_page
from tests.portal.conftest import add_communes, populate_portal


def test_map_page_without_base_layer_nor_tiles(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/arrets/carte")
    assert response.status_code == 200
    html = response.text
    assert check_page(html) == []
    assert 'data-features="/jeux-de-donnees/arrets/carte/objets.geojson"' in html
    assert "data-base=" not in html and "data-tiles=" not in html  # no communes dataset here
    assert "aucun serveur de tuiles extérieur n'est utilisé" in html
    assert "2 objets." in html
    for path in ("/static/leaflet/leaflet.js", "/static/markercluster/leaflet.markercluster.js"):
        assert f'src="{path}"' in html
        assert client.get(path).status_code == 200
    assert "img-src 'self' data:;" in response.headers["content-security-policy"]


def test_base_layer_is_the_communes_dataset(
    client: TestClient, instance: Instance, tmp_path: Path
) -> None:
    add_communes(instance, tmp_path)
    html = client.get("/jeux-de-donnees/arrets/carte").text
    assert 'data-base="/api/v1/datasets/communes/exports/geojson"' in html
    assert "dessiné à partir des limites des communes" in html
    assert '<a href="/jeux-de-donnees/communes">Communes du Val</a>' in html
    layer = client.get("/api/v1/datasets/communes/exports/geojson").json()
    assert [f["properties"]["nom"] for f in layer["features"]] == ["Bourg-en-Bresse", "Péronnas"]


def test_a_base_layer_the_visitor_cannot_read_is_left_out(
    client: TestClient, instance: Instance, tmp_path: Path
) -> None:
    add_communes(instance, tmp_path, access="internal")
    html = client.get("/jeux-de-donnees/arrets/carte").text
    assert "data-base=" not in html
    assert "Communes du Val" not in html


def test_features_are_bounded_filtered_and_counted(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = client.get("/jeux-de-donnees/arrets/carte/objets.geojson").json()["features"]
    assert [f["properties"]["nom"] for f in features] == ["Gare", "Mairie"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [5.2, 46.2]}
    where = {"where": "nom = 'Mairie'"}
    filtered = client.get("/jeux-de-donnees/arrets/carte/objets.geojson", params=where).json()
    assert [f["properties"]["nom"] for f in filtered["features"]] == ["Mairie"]
    html = client.get("/jeux-de-donnees/arrets/carte", params=where).text
    assert "1 objet correspond au filtre." in html
    assert 'objets.geojson?where=nom+%3D+%27Mairie%27"' in html
    monkeypatch.setattr(maps, "MAX_FEATURES", 1)
    capped = client.get("/jeux-de-donnees/arrets/carte/objets.geojson").json()
    assert len(capped["features"]) == 1
    assert "la carte montre les 1 premiers" in client.get("/jeux-de-donnees/arrets/carte").text


def test_no_map_without_geometry_nor_for_hidden_datasets(client: TestClient) -> None:
    assert client.get("/jeux-de-donnees/comptages/carte").status_code == 404
    for path in (
        "/jeux-de-donnees/subventions/carte",
        "/jeux-de-donnees/subventions/carte/objets.geojson",
    ):
        assert client.get(path).status_code == 404
    response = client.get("/jeux-de-donnees/arrets/carte", params={"where": "nom = = 1"})
    assert response.status_code == 400
    assert 'aria-describedby="carte-erreur"' in response.text


def test_administrator_tile_server(instance: Instance, tmp_path: Path) -> None:
    populate_portal(instance, tmp_path)
    tiles = "https://{s}.tuiles.example/{z}/{x}/{y}.png"
    settings = instance.settings.model_copy(
        update={"map_tile_url": tiles, "map_tile_attribution": "© Tuiles d'exemple"}
    )
    with TestClient(create_app(settings, instance)) as client:
        response = client.get("/jeux-de-donnees/arrets/carte")
    assert (
        "img-src 'self' data: https://*.tuiles.example;"
        in (response.headers["content-security-policy"])
    )
    html = htmllib.unescape(response.text)
    assert f'data-tiles="{tiles}"' in html
    assert "© Tuiles d'exemple" in html
    assert "serveur choisi par l'administrateur" in html


def test_map_embed(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/arrets/carte", params={"where": "montant > 100"}).text
    assert "http://testserver/embed/jeux-de-donnees/arrets/carte?where=montant+%3E+100&#34;" in html
    embed = client.get("/embed/jeux-de-donnees/arrets/carte", params={"where": "montant > 100"})
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert check_page(embed.text) == []
    assert "1 objet correspond au filtre." in embed.text
    assert "fr-header" not in embed.text
