"""A DPO keeps the RGPD register in headless Chromium: signs in, creates a processing
activity, ticks two DPIA criteria and sees « AIPD requise », then prints the register."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.core.memberships import set_membership
from socle.core.users import create_user
from socle.instance import Instance
from tests.api.conftest import populate
from tests.portal.test_browser import browser, page, problems  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
PASSWORD = "cheval agrafe batterie"


def test_a_dpo_creates_an_entry_and_the_dpia_checklist_says_required(
    page: Page,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    populate(instance, tmp_path)
    create_user(instance, "dpo@agglo.fr", PASSWORD, name="Dominique DPO")
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    server = live_server(create_app(instance.settings, instance))
    page.goto(server + "/connexion")
    page.get_by_label("Adresse électronique").fill("dpo@agglo.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Registre RGPD").first.click()
    page.get_by_role("link", name="Nouveau traitement").click()
    assert page.locator("h1").inner_text() == "Nouveau traitement"

    page.get_by_label("Nom du traitement").fill("Vidéoprotection des bâtiments")
    page.get_by_label("Finalité principale").fill("Protéger les bâtiments communaux")
    page.get_by_label("Base légale (article 6 du RGPD)").select_option("public_task")
    page.locator("label[for=categorie-identity]").click()
    page.get_by_label("Délai d'effacement : État civil", exact=False).fill("30 jours")
    live = page.locator("#verdict-formulaire")
    expect(live).to_have_text("AIPD non requise")
    page.locator("label[for=critere-systematic_monitoring]").click()
    expect(live).to_have_text("AIPD non requise")  # one criterion is not enough
    page.locator("label[for=critere-large_scale]").click()
    expect(live).to_have_text("AIPD requise")  # the checklist answers before saving
    page.get_by_role("button", name="Enregistrer la fiche").click()

    verdict = page.locator("#verdict-aipd")
    expect(verdict).to_contain_text("AIPD requise")
    assert "2 critères du CEPD remplis" in verdict.inner_text()
    assert "30 jours" in page.locator("table", has_text="Délai d'effacement").inner_text()
    page.screenshot(path=str(tmp_path / "registre.png"), full_page=True)

    # One criterion less: no longer required.
    page.get_by_role("link", name="Modifier la fiche et l'analyse d'impact").click()
    page.locator("label[for=critere-large_scale]").click()
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.locator("#verdict-aipd")).to_contain_text("AIPD non requise")

    page.goto(server + "/organisations/agglo/registre/impression")
    expect(page.locator("h2")).to_contain_text("Vidéoprotection des bâtiments")
    assert problems == []
