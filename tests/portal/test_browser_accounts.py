"""Signing in, creating an API token and starting the second factor in headless Chromium,
over plain HTTP on 127.0.0.1: the Secure session cookie must still work there."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.core.users import create_user
from socle.instance import Instance
from tests.api.conftest import populate
from tests.portal.test_browser import browser, page, problems  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
PASSWORD = "cheval agrafe batterie"


def test_sign_in_create_a_token_and_start_totp(
    page: Page,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    populate(instance, tmp_path)
    create_user(instance, "alice@agglo.fr", PASSWORD, name="Alice Martin")
    server = live_server(create_app(instance.settings, instance))
    page.goto(server + "/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill("alice@agglo.fr")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert "mot de passe incorrect" in page.get_by_role("alert").inner_text()
    # The refused sign-in answers 400 on purpose; Chromium logs any 4xx page load.
    assert problems == [
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    problems.clear()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Mon compte").click()
    assert page.locator("h1").inner_text() == "Mon compte"

    page.get_by_label("Nom du jeton").fill("Tableau de bord")
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.get_by_label("Votre jeton d'API").input_value()
    assert re.fullmatch(r"socle_[\w-]{40,}", secret)
    page.get_by_role("link", name="Retour à mon compte").click()
    assert "Tableau de bord" in page.locator("table").inner_text()

    page.get_by_role("button", name="Activer la double authentification").click()
    qr = page.get_by_role("img", name=re.compile("Code QR"))
    assert qr.evaluate("img => img.naturalWidth") > 100
    page.get_by_role("link", name="Annuler").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()  # waits for the page
    assert problems == []
