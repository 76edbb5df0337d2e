"""The public register of algorithms on the portal: sound pages in French and English, only
the datasets the visitor may read, drafts for keepers only; and a visitor's path in Chromium."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.core.memberships import set_membership
from socle.core.organizations import create_organization
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.governance import algorithms
from socle.governance.policy import ADMIN
from socle.governance.register import (
    create_activity,
    parse_fields,
    parse_settings,
    update_register,
)
from socle.instance import Instance
from tests.api.conftest import populate
from tests.governance.test_algorithms import COMPLETE
from tests.portal._html import check_page
from tests.portal.test_accessibility import AXE, blocking
from tests.portal.test_browser import browser, page, problems  # noqa: F401  (fixtures)

PASSWORD = "une phrase de passe solide"


def register(instance: Instance) -> None:
    """A published entry citing the public and the internal dataset, and a draft."""
    algorithms.add_algorithm(
        instance,
        ADMIN,
        "tarif-cantine",
        organization="agglo",
        content={**COMPLETE, "source_code_url": "https://forge.agglo.fr/tarifs"},
        datasets=["comptages", "subventions"],
    )
    algorithms.set_published(instance, ADMIN, "tarif-cantine", True)
    algorithms.add_algorithm(
        instance, ADMIN, "creches", organization="agglo", content={"name": "Places en crèche"}
    )


@pytest.fixture
def site(client: TestClient, instance: Instance) -> TestClient:
    register(instance)
    return client


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_register_pages_are_sound_in_each_language(site: TestClient, lang: str) -> None:
    site.cookies.set("lang", lang)
    for url in ("/algorithmes", "/algorithmes/tarif-cantine"):
        response = site.get(url)
        assert response.status_code == 200, url
        assert check_page(response.text, lang) == [], url
    entry = html.unescape(site.get("/algorithmes/tarif-cantine").text)
    expected = {
        "fr": ["Décision entièrement automatisée", "Historique des versions", "4\u202f200"],
        "en": ["Fully automated decision", "Version history", "4,200"],
    }
    for text in expected[lang]:
        assert text in entry, text


def test_visitors_see_published_entries_and_readable_datasets_only(site: TestClient) -> None:
    listing = site.get("/algorithmes").text
    assert 'href="/algorithmes/tarif-cantine"' in listing and "1 algorithme publié" in listing
    assert "Places en crèche" not in listing
    assert 'href="/algorithmes"' in site.get("/").text  # in the main menu
    assert (
        'href="/api/v1/algorithms.csv"' in listing and 'href="/api/v1/algorithms.json"' in listing
    )
    entry = site.get("/algorithmes/tarif-cantine").text
    assert 'href="/jeux-de-donnees/comptages"' in entry
    assert "subventions" not in entry and "Subventions" not in entry
    assert "Quotient familial" in entry and "https://forge.agglo.fr/tarifs" in entry
    assert "Auteur" not in entry  # who edited is for the keepers
    missing = site.get("/algorithmes/creches")
    assert missing.status_code == 404 and "Places en crèche" not in missing.text


def test_one_administration_at_a_time(site: TestClient, instance: Instance) -> None:
    create_organization(instance, "voisine", "Commune voisine")
    content = {**COMPLETE, "name": "Stationnement résidentiel"}
    algorithms.add_algorithm(
        instance, ADMIN, "stationnement", organization="voisine", content=content
    )
    algorithms.set_published(instance, ADMIN, "stationnement", True)
    every = site.get("/algorithmes").text
    assert "Tarif de la cantine" in every and "Stationnement résidentiel" in every
    assert 'href="/algorithmes?organisation=voisine"' in every
    one = site.get("/algorithmes", params={"organisation": "voisine"}).text
    assert "Stationnement résidentiel" in one and "Tarif de la cantine" not in one
    assert 'href="/api/v1/algorithms.csv?organization=voisine"' in one
    assert check_page(one, "fr") == []
    csv_text = site.get("/api/v1/algorithms.csv?organization=voisine").text
    assert "stationnement" in csv_text and "tarif-cantine" not in csv_text


def test_keepers_see_their_drafts_marked(site: TestClient, instance: Instance) -> None:
    user = create_user(instance, "dpo@agglo.fr", PASSWORD)
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    auth = {"Authorization": f"Bearer {create_token(instance, user.id, 't', 'read')[1]}"}
    listing = site.get("/algorithmes", headers=auth).text
    assert "Places en crèche" in listing and "Brouillon" in listing
    draft = site.get("/algorithmes/creches", headers=auth).text
    assert "cette fiche n'est visible que des responsables" in html.unescape(draft)
    entry = site.get("/algorithmes/tarif-cantine", headers=auth).text
    assert 'href="/jeux-de-donnees/subventions"' in entry and "Auteur" in entry


@pytest.mark.browser
def test_a_visitor_reads_an_entry_and_downloads_the_register(
    page: Page,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    populate(instance, tmp_path)
    register(instance)
    server = live_server(create_app(instance.settings, instance))

    def follow(name: str, *, last: bool = False) -> None:
        """Click a link and let the next page finish loading (its favicon included)."""
        links = page.get_by_role("link", name=name, exact=True)
        (links.last if last else links.first).click()
        page.wait_for_load_state("networkidle")

    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    follow("Algorithmes")
    assert page.locator("h1").inner_text() == "Registre des algorithmes publics"
    follow("Tarif de la cantine")
    assert page.locator("h1").inner_text() == "Tarif de la cantine"
    table = page.get_by_role(
        "table", name="Les paramètres du calcul et leur poids dans la décision"
    )
    assert "Quotient familial" in table.inner_text() and "100 %" in table.inner_text()
    follow("Comptages vélos et voitures")
    assert page.locator("h1").inner_text() == "Comptages vélos et voitures"
    page.go_back()
    page.wait_for_load_state("networkidle")
    follow("Algorithmes", last=True)  # the breadcrumb
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le registre (CSV)").click()
    saved = tmp_path / "registre.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert text.startswith("Identifiant;Administration;") and "tarif-cantine" in text
    assert problems == []


@pytest.mark.browser
def test_the_register_pages_pass_axe(
    browser: Browser,  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    populate(instance, tmp_path)
    register(instance)
    server = live_server(create_app(instance.settings, instance))
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    tab = context.new_page()
    violations: list[str] = []
    for path in ("/algorithmes", "/algorithmes/tarif-cantine"):
        response = tab.goto(server + path)
        assert response is not None and response.status == 200
        tab.add_script_tag(path=str(AXE))
        results = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations += blocking(results, path)
    context.close()
    assert violations == []


# algoregister: an entry and the RGPD register's activities it cites, both ways ----------------


def cite_register(instance: Instance, *, published: bool) -> None:
    """« facturation » in agglo's register, cited by the published entry and by the draft."""
    fields = parse_fields({"name": "Facturation de la cantine", "reference": "T-7"})
    create_activity(instance, ADMIN, "agglo", "facturation", fields)
    for slug in ("tarif-cantine", "creches"):
        algorithms.update_algorithm(instance, ADMIN, slug, content={}, processings=["facturation"])
    update_register(instance, ADMIN, "agglo", parse_settings({"published": published}))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_entries_and_register_activities_link_each_other(
    site: TestClient, instance: Instance, lang: str
) -> None:
    cite_register(instance, published=True)
    site.cookies.set("lang", lang)
    entry = site.get("/algorithmes/tarif-cantine").text
    assert check_page(entry, lang) == []
    assert 'href="/registre/facturation"' in entry and "(T-7)" in entry
    activity = site.get("/registre/facturation").text
    assert check_page(activity, lang) == []
    assert 'href="/algorithmes/tarif-cantine"' in activity
    assert "creches" not in activity and "Places en crèche" not in activity  # the draft
    printed = site.get("/organisations/agglo/registre/impression").text
    assert "Tarif de la cantine (tarif-cantine)" in html.unescape(printed)
    titles = {
        "fr": ("Traitements du registre RGPD", "Algorithmes publics fondés sur ce traitement"),
        "en": (
            "Processing activities of the GDPR register",
            "Public algorithms resting on this processing activity",
        ),
    }
    assert titles[lang][0] in entry and titles[lang][1] in activity


def test_an_unpublished_register_entry_is_named_to_its_keepers_only(
    site: TestClient, instance: Instance
) -> None:
    cite_register(instance, published=False)
    entry = html.unescape(site.get("/algorithmes/tarif-cantine").text)
    assert "facturation" not in entry and "Facturation" not in entry
    assert "Aucun traitement du registre RGPD publié n'est cité par cette fiche." in entry
    user = create_user(instance, "dpo@agglo.fr", PASSWORD)
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    auth = {"Authorization": f"Bearer {create_token(instance, user.id, 't', 'read')[1]}"}
    assert (
        'href="/registre/facturation"' in site.get("/algorithmes/tarif-cantine", headers=auth).text
    )
    activity = html.unescape(site.get("/registre/facturation", headers=auth).text)
    assert 'href="/algorithmes/creches"' in activity and "Brouillon" in activity


@pytest.mark.browser
def test_a_visitor_goes_from_an_entry_to_its_register_activity_and_back(
    page: Page,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    populate(instance, tmp_path)
    register(instance)
    cite_register(instance, published=True)
    server = live_server(create_app(instance.settings, instance))
    page.goto(server + "/algorithmes/tarif-cantine")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Facturation de la cantine", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Facturation de la cantine"
    page.get_by_role("link", name="Tarif de la cantine", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Tarif de la cantine"
    assert problems == []
