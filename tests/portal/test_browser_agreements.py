"""Agreement creation and a partner's delivery upload, in headless Chromium: the owner's
admin signs an agreement with an obligation through the portal's form, the partner's member
uploads a CSV, and the board shows it on time — then an invalid file shows invalid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.instance import Instance
from tests.core.test_deliveries import INVALID, VALID
from tests.portal._browser import watch
from tests.portal.test_agreements import PASSWORD, populate
from tests.portal.test_browser import DESKTOP, browser, page, problems  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def sign_in(tab: Page, server: str, email: str) -> None:
    tab.goto(server + "/")
    tab.get_by_role("link", name="Se connecter").click()
    tab.get_by_label("Adresse électronique").fill(email)
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.get_by_role("link", name="Conventions").click()
    tab.wait_for_load_state("networkidle")  # icons load before the next page cancels them


def upload(tab: Page, name: str, text: str) -> str:
    """Deliver ``text`` as file ``name`` for « frequentation »; the message shown after."""
    tab.get_by_label("Fichier pour « frequentation »").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}
    )
    tab.get_by_role("button", name="Livrer pour « frequentation »").click()
    tab.wait_for_load_state("networkidle")
    return tab.get_by_role("status").inner_text()


def test_an_admin_signs_an_agreement_and_the_partner_delivers(
    page: Page,  # noqa: F811
    browser: Browser,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    populate(instance, tmp_path)
    server = live_server(create_app(instance.settings, instance))

    sign_in(page, server, "admin@agglo.fr")
    page.get_by_role("link", name="Nouvelle convention").click()
    page.get_by_label("Identifiant").fill("dsp-transport")
    page.get_by_label("Intitulé").fill("DSP transport urbain")
    page.get_by_label("Organisation partenaire").select_option("transdev")
    page.get_by_label("Objet").fill("Suivre la fréquentation du réseau")
    page.get_by_label("Base légale").fill("Contrat de DSP, article 12")
    page.get_by_label("Hébergement et souveraineté").fill("Hébergement en France")
    page.get_by_text("Jeu arrets (agglo)").click()  # DSFR draws the box on the label
    assert page.get_by_label("Jeu arrets (agglo)").is_checked()
    page.get_by_label("Jeu à livrer").select_option("frequentation")
    page.get_by_label("Schéma attendu").select_option("frequentation@1")
    page.get_by_label("Fréquence").select_option("MONTHLY")
    page.get_by_label("Première échéance").fill("2099-01-31")
    page.get_by_role("button", name="Signer la convention").click()
    assert page.locator("h1").inner_text() == "DSP transport urbain"
    assert "Convention « DSP transport urbain » signée." in page.get_by_role("status").inner_text()
    assert "Contrat de DSP, article 12" in page.locator("main").inner_text()

    partner_context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    partner = watch(partner_context.new_page(), problems)
    try:
        sign_in(partner, server, "p@transdev.fr")
        partner.get_by_role("link", name="DSP transport urbain").click()
        assert "Hébergement en France" in partner.locator("main").inner_text()
        message = upload(partner, "janvier.csv", VALID)
        assert "version 2 de « janvier.csv », conforme" in message

        page.get_by_role("link", name="Tableau des livraisons de l'organisation").click()
        row = page.locator("tbody tr").filter(has_text="frequentation")
        assert "À l'heure" in row.text_content() and "p@transdev.fr" in row.inner_text()  # type: ignore[operator]
        assert "2099-02-28" in row.inner_text()  # the next due date, a month on

        message = upload(partner, "fevrier.csv", INVALID)
        assert "NON conforme à son schéma" in message
        page.reload()
        row = page.locator("tbody tr").filter(has_text="frequentation")
        assert "Invalide" in row.text_content() and "version 3" in row.inner_text()  # type: ignore[operator]
    finally:
        partner_context.close()
    assert problems == []
