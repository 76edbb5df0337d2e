"""The portal in French and English: the visitor's choice (switch, cookie), their browser's
languages, translated pages with their own formats, and catalogs that leave nothing out."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from socle.portal.i18n import LANGUAGES, catalog_path
from tests.portal._html import check_page

ROOT = Path(__file__).parents[2]
PAGES = [
    "/",
    "/jeux-de-donnees?q=bus&theme=TRAN",
    "/jeux-de-donnees/arrets",
    "/jeux-de-donnees/arrets/tableau",
    "/jeux-de-donnees/arrets/graphique",
    "/jeux-de-donnees/arrets/carte",
    "/jeux-de-donnees/arrets/qualite",
    "/jeux-de-donnees/arrets/api",
    "/jeux-de-donnees/arrets/telechargements",
    "/organisations",
    "/organisations/agglo",
    "/schemas",
    "/a-propos/api",
    "/embed/jeux-de-donnees/arrets/tableau",
    "/embed/jeux-de-donnees/arrets/graphique",
    "/embed/jeux-de-donnees/arrets/carte",
    "/reutilisations",
    "/reutilisations/proposer",
    "/demandes",
    "/demandes/nouvelle",
    "/statistiques",
    "/connexion",
]


def language(response_text: str) -> str | None:
    found = re.search(r'<html lang="(\w+)"', response_text)
    return found.group(1) if found else None


def test_french_by_default_and_for_unknown_languages(client: TestClient) -> None:
    for header in (None, "de-DE,de;q=0.9", "fr-FR", "*", "n'importe quoi;q=x", ";;,,"):
        headers = {"Accept-Language": header} if header else {}
        response = client.get("/", headers=headers)
        assert response.status_code == 200
        assert language(response.text) == "fr", header
        assert response.headers["content-language"] == "fr"
        assert "Accept-Language" in response.headers["vary"]
        assert "<h1>Les données de Socle</h1>" in response.text


def test_browser_languages_are_honoured_in_order(client: TestClient) -> None:
    for header, expected in (
        ("en-GB,en;q=0.9", "en"),
        ("de-DE, en;q=0.5", "en"),
        ("en;q=0.4, fr;q=0.8", "fr"),
        ("EN-us", "en"),
        ("en;q=0", "fr"),  # q=0 means « not this one »
    ):
        response = client.get("/", headers={"Accept-Language": header})
        assert language(response.text) == expected, header
    assert "set-cookie" not in response.headers  # nothing chosen, nothing remembered


def test_switch_is_remembered_in_a_cookie(client: TestClient) -> None:
    response = client.get("/organisations?lang=en")
    assert language(response.text) == "en"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # Later pages stay in English without the parameter, whatever the browser says...
    response = client.get("/jeux-de-donnees", headers={"Accept-Language": "fr"})
    assert language(response.text) == "en"
    assert "<h1>Datasets</h1>" in response.text
    # ...until the visitor switches back.
    assert language(client.get("/?lang=fr").text) == "fr"
    assert language(client.get("/").text) == "fr"


def test_unknown_language_parameter_is_ignored(client: TestClient) -> None:
    response = client.get("/?lang=xx")
    assert response.status_code == 200
    assert language(response.text) == "fr"
    assert "set-cookie" not in response.headers
    client.cookies.set("lang", "<script>")
    assert language(client.get("/").text) == "fr"


def test_switch_links_keep_the_page_and_its_parameters(client: TestClient) -> None:
    text = client.get("/jeux-de-donnees?q=bus&theme=TRAN").text
    switch = text[text.index('class="fr-translate fr-nav"') :]
    links = dict(re.findall(r'hreflang="(\w+)"[^>]*href="([^"]+)"', switch)[: len(LANGUAGES)])
    assert {code: htmllib.unescape(href) for code, href in links.items()} == {
        "fr": "/jeux-de-donnees?q=bus&theme=TRAN&lang=fr",
        "en": "/jeux-de-donnees?q=bus&theme=TRAN&lang=en",
    }
    assert 'lang="fr" href="/jeux-de-donnees?q=bus&amp;theme=TRAN&amp;lang=fr" aria-current' in (
        switch
    )


def test_english_pages_with_english_labels_and_formats(client: TestClient) -> None:
    client.cookies.set("lang", "en")
    home = client.get("/").text
    assert "<h1>The data of Socle</h1>" in home
    assert "Latest updated datasets" in home
    assert ">Transport (2)</a>" in home  # the EU theme's label, translated
    dataset = htmllib.unescape(client.get("/jeux-de-donnees/arrets").text)
    for expected in (
        "Public (open data)",  # access level
        "Monthly",  # frequency
        "from Jan 1, 2023 to Dec 31, 2023",  # temporal coverage, English dates
        "Version history",
        ">Information<",
    ):
        assert expected in dataset, expected
    table = htmllib.unescape(client.get("/jeux-de-donnees/arrets/tableau").text)
    assert "1,234,567.5" in table  # English number
    assert "2023-03-01" in table  # data dates in ISO 8601
    assert "2 rows — showing rows 1 to 2." in table
    catalog = client.get("/jeux-de-donnees", params={"theme": "TRAN"}).text
    assert "Remove the themes filter: Transport" in catalog
    chart = client.get("/jeux-de-donnees/arrets/graphique").text
    assert "Number of rows by nom" in chart
    for page, expected in (
        ("/connexion", "Sign in to"),
        ("/demandes", "Looking for data that is not in the catalog?"),
        ("/reutilisations/proposer", "All fields are required unless stated otherwise."),
        ("/statistiques", "How these figures are counted"),
    ):
        assert expected in htmllib.unescape(client.get(page).text), page


def test_french_pages_keep_french_formats(client: TestClient) -> None:
    dataset = htmllib.unescape(client.get("/jeux-de-donnees/arrets").text)
    assert "du 01/01/2023 au 31/12/2023" in dataset
    table = htmllib.unescape(client.get("/jeux-de-donnees/arrets/tableau").text)
    assert "1\u202f234\u202f567,5" in table and "01/03/2023" in table
    assert "2 lignes — affichage des lignes 1 à 2." in table


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_page_is_sound_in_each_language(client: TestClient, lang: str) -> None:
    client.cookies.set("lang", lang)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["content-language"] == lang
        assert check_page(response.text, lang) == [], page


def test_error_pages_are_translated_and_say_which_text_stays_french(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/inconnu", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert check_page(response.text, "en") == []
    assert "<h1>Page not found</h1>" in response.text and "Error 404" in response.text
    # The detail comes from the error tree shared with the API, in French: marked as such.
    assert re.search(r'<p class="fr-text--lead fr-mb-3v" lang="fr">[^<]*inconnu', response.text)
    bad = client.get("/jeux-de-donnees?page=0", headers={"Accept-Language": "en"})
    assert bad.status_code == 400 and "<h1>Invalid input</h1>" in bad.text


def test_the_api_is_not_translated(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/inconnu", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json()["title"] == "Introuvable"
    assert "set-cookie" not in client.get("/api/v1/datasets?lang=en").headers


def _template_messages() -> set[str | tuple[str, ...]]:
    """What Babel extracts with the project's own configuration (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / "src"),
            method_map,
            options_map,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
        )
    }


@pytest.mark.parametrize("lang", sorted(set(LANGUAGES) - {"fr"}))
def test_every_text_has_a_translation(lang: str) -> None:
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    translated = {
        m.id: m.string
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    extracted = _template_messages()
    assert extracted, "nothing extracted: babel.cfg is not read"
    untranslated = sorted(str(m) for m in extracted if m not in translated)
    assert untranslated == [], f"run `make messages` and translate in {catalog_path(lang)}"
    obsolete = sorted(str(m) for m in set(translated) - extracted)
    assert obsolete == [], "texts no template uses any more: run `make messages`"
    # Placeholders match (%(n)s in the French is %(n)s in the translation).
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
