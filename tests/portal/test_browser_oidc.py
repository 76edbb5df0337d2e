"""Signing in with a provider and out of both in headless Chromium, against the real
provider: the cookies survive the trips to the provider and back (SameSite=Lax), and no page
breaks the content security policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.core.organizations import create_organization
from socle.instance import Instance
from tests.oidc._provider import openid_provider
from tests.portal.test_browser import browser, page, problems  # noqa: F401  (fixtures)
from tests.portal.test_oidc import SIRET, providers

pytestmark = pytest.mark.browser


def test_sign_in_with_proconnect_and_out_of_both(
    page: Page,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    create_organization(instance, "agglo", "Agglomération du Val", siret=SIRET)
    app = create_app(instance.settings, instance)
    server = live_server(app)
    with openid_provider(tmp_path, ["proconnect"], site=server) as issuer:
        # The return address is only known once the server runs: providers come now.
        instance.settings.oidc_providers = {"proconnect": providers(issuer)["proconnect"]}
        page.goto(server + "/connexion")
        page.get_by_role("link", name="Se connecter avec ProConnect").click()
        page.locator("input[name=login]").fill("claire")
        page.locator("input[name=login]").press("Enter")
        page.wait_for_url(server + "/")
        page.get_by_role("link", name="Mon compte").click()
        assert "claire.dupont@agglo.fr" in page.content()
        assert "Agglomération du Val" in page.content()

        page.get_by_role("button", name="Se déconnecter").click()
        assert page.locator("h1").inner_text() == "Vous êtes déconnecté"
        page.get_by_role("link", name="Se déconnecter aussi de ProConnect").click()
        page.locator("button[autofocus], button[type=submit]").first.click()  # provider's page
        page.wait_for_url(server + "/")
        assert page.get_by_role("link", name="Se connecter").is_visible()
    assert problems == []
