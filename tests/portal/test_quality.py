"""``/jeux-de-donnees/{slug}/qualite`` and ``/schemas``: score, report, profile, registry."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from tests.portal._html import check_page


def test_quality_page_shows_score_parts_errors_profile_and_history(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/comptages/qualite")
    assert response.status_code == 200
    html = response.text
    assert check_page(html) == []
    assert "<title>Qualité — Comptages vélos et voitures" in html
    assert '<h2 id="qualite">Qualité des données</h2>' in html
    assert (
        '<a class="socle-tabs__tab" href="/jeux-de-donnees/comptages/qualite" aria-current' in html
    )
    for label in ("Conformité au schéma", "Complétude", "Unicité", "Fraîcheur", "Métadonnées"):
        assert label in html
    assert 'href="/schemas/comptages-horaires@1.0.0"' in html
    assert "Non conforme : 1 erreur" in html
    assert "ligne 5 : « =1+1 »" in html  # row number as in the file, value as written
    assert "Profil des colonnes" in html and "<code>code_insee</code>" in html
    assert "Historique du score" in html


def test_the_rows_link_opens_the_preview_filtered_on_the_faulty_values(
    client: TestClient,
) -> None:
    html = client.get("/jeux-de-donnees/comptages/qualite").text
    links = re.findall(r'href="(/jeux-de-donnees/comptages/tableau\?where=[^"]+)"', html)
    assert links, "no link to the rows"
    where = parse_qs(urlparse(htmllib.unescape(links[0])).query)["where"][0]
    assert where == "`comptage` = '=1+1'"
    preview = client.get(htmllib.unescape(links[0]))
    assert preview.status_code == 200
    assert "1 ligne" in preview.text


def test_dataset_page_and_cards_show_the_score(client: TestClient) -> None:
    page = client.get("/jeux-de-donnees/comptages").text
    assert re.search(r"Qualité \d+/100", page)
    assert 'href="/jeux-de-donnees/comptages/qualite"' in page
    catalog = client.get("/jeux-de-donnees").text
    assert re.search(r"Qualité \d+/100", catalog)


def test_schema_pages_list_versions_fields_and_visible_datasets(client: TestClient) -> None:
    listing = client.get("/schemas")
    assert listing.status_code == 200 and check_page(listing.text) == []
    assert 'href="/schemas/comptages-horaires@1.0.0"' in listing.text
    page = client.get("/schemas/comptages-horaires@1.0.0")
    assert page.status_code == 200 and check_page(page.text) == []
    assert "<code>identifiant</code>" in page.text
    assert 'href="/jeux-de-donnees/comptages"' in page.text
    hidden = client.get("/schemas/aides@2").text
    assert "Aucun jeu de données publié ne déclare cette version." in hidden
    assert client.get("/schemas/inconnu").status_code == 404


def test_quality_of_an_internal_dataset_is_not_found(client: TestClient) -> None:
    assert client.get("/jeux-de-donnees/subventions/qualite").status_code == 404
