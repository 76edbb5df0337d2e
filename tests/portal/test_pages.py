"""Portal pages through the ASGI app: French content, policy, filters, escaping."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance


def test_home_shows_figures_themes_and_latest(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr"' in html
    assert "Comptages vélos et voitures" in html
    assert "Transports (1)" in html
    assert "Subventions" not in html  # internal
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_assets_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assert "https://" not in html.split("<body")[0]  # no CDN in the head
    assert client.get("/static/dsfr/dsfr.min.css").status_code == 200
    assert client.get("/static/dsfr/dsfr.module.min.js").status_code == 200
    assert client.get("/static/socle/socle.css").status_code == 200


def test_catalog_facets_and_search(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees").text
    assert "<strong>1</strong> jeu de données" in html
    assert "Transports (1)" in html
    assert "Économie" not in html  # the internal dataset's theme is not counted
    empty = client.get("/jeux-de-donnees", params={"q": "introuvable"}).text
    assert "Aucun jeu de données ne correspond" in empty
    assert "Comptages" in client.get("/jeux-de-donnees", params={"q": "VELO"}).text


def test_dataset_page(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/comptages").text
    assert "<h1>Comptages vélos et voitures</h1>" in html
    assert "<strong>horaires</strong>" in html  # Markdown rendered
    assert "Aperçu : lignes 1 à 4 sur 4" in html
    assert "/api/v1/datasets/comptages/exports/csv?delimiter=%3B&amp;with_bom=true" in html
    assert "/api/v1/datasets/comptages/records?limit=20" in html
    assert "texte" in html and "date et heure" in html  # schema table in French
    assert "Historique des versions" in html


def test_preview_filter_and_sort(client: TestClient) -> None:
    html = client.get(
        "/jeux-de-donnees/comptages",
        params={"where": "commune = 'Péronnas'", "order_by": "date_heure desc"},
    ).text
    assert "sur 2" in html
    assert "where=commune" in html  # the API call mirrors the preview
    assert "▼" in html


def test_bad_filter_is_shown_inline_with_its_position(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/comptages", params={"where": "commune = = 'x'"})
    assert response.status_code == 400
    assert "fr-error-text" in response.text
    assert "position 10" in response.text
    assert "commune = = &#39;x&#39;" in response.text  # the form keeps what was typed


def test_internal_dataset_and_unknown_pages_are_french_404(client: TestClient) -> None:
    for path in ("/jeux-de-donnees/subventions", "/page-inconnue", "/organisations/inconnue"):
        response = client.get(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "Erreur 404" in response.text


def test_organization_pages(client: TestClient) -> None:
    assert "Agglomération du Val" in client.get("/organisations").text
    html = client.get("/organisations/agglo").text
    assert "200071751" in html
    assert "Comptages vélos et voitures" in html
    assert "Subventions" not in html


def test_markdown_cannot_inject_html(
    client: TestClient, instance: Instance, tmp_path: Path
) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a;b\n1;2\n", encoding="utf-8")
    hostile = "Texte <script>alert('x')</script> et [lien](javascript:alert(1))"
    add_version(
        instance,
        ADMIN,
        source,
        "piege",
        metadata=parse_metadata(title="Piège", description=hostile, access="public"),
    )
    html = client.get("/jeux-de-donnees/piege").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
