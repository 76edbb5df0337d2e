"""``/jeux-de-donnees``: search, facet links, sort and pagination over visible datasets only."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from socle.portal.routes import catalog
from tests.portal._html import check_page


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', html)


def test_catalog_lists_visible_datasets_with_facets(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees").text
    assert check_page(html) == []
    assert "<strong>2</strong> jeux de données" in html
    assert "Transports (2)" in html
    assert "Agglomération du Val (2)" in html
    assert 'href="?keyword=bus">bus (1)' in html
    assert "Économie" not in html  # the internal dataset's theme is not counted
    assert "Subventions" not in html


def test_a_facet_link_filters_and_can_be_removed(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees", params={"keyword": "bus", "q": "arret"}).text
    assert titles(html) == ["Arrêts de bus"]
    assert "<strong>1</strong> jeu de données pour « arret »" in html
    assert 'aria-current="true" href="?q=arret">bus (1)' in html  # the active tag removes it
    assert 'href="?q=arret">Retirer le filtre mots-clés : bus</a>' in html
    assert '<input type="hidden" name="keyword" value="bus">' in html  # a new search keeps it


def test_search_is_accent_and_case_insensitive(client: TestClient) -> None:
    assert titles(client.get("/jeux-de-donnees", params={"q": "VELO"}).text) == [
        "Comptages vélos et voitures"
    ]
    empty = client.get("/jeux-de-donnees", params={"q": "introuvable"}).text
    assert "Aucun jeu de données ne correspond" in empty


def test_sort_links(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees", params={"sort": "title"}).text
    assert titles(html) == ["Arrêts de bus", "Comptages vélos et voitures"]
    assert '<strong aria-current="true">titre</strong>' in html
    assert 'href="?sort=date">date de mise à jour</a>' in html
    assert client.get("/jeux-de-donnees", params={"sort": "hasard"}).status_code == 400


def test_pagination(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "PAGE_SIZE", 1)
    first = client.get("/jeux-de-donnees", params={"sort": "title"}).text
    assert titles(first) == ["Arrêts de bus"]
    assert 'aria-current="page" title="Page 1"' in first
    assert 'href="?sort=title&amp;page=2">Page suivante</a>' in first
    assert 'aria-disabled="true" role="link">Page précédente</a>' in first
    second = client.get("/jeux-de-donnees", params={"sort": "title", "page": 2}).text
    assert titles(second) == ["Comptages vélos et voitures"]
    assert 'href="?sort=title">Page précédente</a>' in second
    assert "<strong>2</strong> jeux de données" in second
