"""The DPO's retention page: sound HTML, and in headless Chromium, signed in, with the
horizon changed through its form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance
from tests.governance.test_retention import generated
from tests.portal._html import check_page
from tests.portal.test_browser import browser, page, problems  # noqa: F401  (fixtures)

PASSWORD = "cheval agrafe batterie"


def agglo(instance: Instance, tmp_path: Path) -> dict[str, str]:
    """« agglo » with one restricted dataset under retention, its DPO and its admin (ids)."""
    create_organization(instance, "agglo", "Agglomération du Val")
    metadata = parse_metadata(
        title="Usagers du transport",
        access="restricted",
        retention={"period": "P2Y", "date_column": "jour"},
    )
    source = generated(tmp_path / "usagers.csv", 1500)
    add_version(instance, ADMIN, source, "usagers", organization="agglo", metadata=metadata)
    ids = {}
    for role in ("dpo", "admin"):
        ids[role] = create_user(instance, f"{role}@agglo.fr", PASSWORD).id
        set_membership(instance, "agglo", f"{role}@agglo.fr", role)
    return ids


def test_the_page_is_sound_and_follows_the_policy(instance: Instance, tmp_path: Path) -> None:
    ids = agglo(instance, tmp_path)
    dpo, admin = (
        {"Authorization": f"Bearer {create_token(instance, ids[r], r, 'read')[1]}"}
        for r in ("dpo", "admin")
    )
    with TestClient(create_app(instance.settings, instance)) as client:
        page = client.get("/organisations/agglo/conservation", headers=dpo)
        assert page.status_code == 200 and check_page(page.text) == []
        assert "Usagers du transport" in page.text
        # The organization's admin oversees too, but does not read restricted datasets.
        shown = client.get("/organisations/agglo/conservation", headers=admin)
        assert shown.status_code == 200 and "Usagers du transport" not in shown.text
        assert "Aucun jeu de données" in shown.text
        link = 'href="/organisations/agglo/conservation"'
        assert link in client.get("/organisations/agglo", headers=dpo).text
        assert link not in client.get("/organisations/agglo").text


@pytest.mark.browser
def test_the_dpo_changes_the_horizon(
    page: Page,  # noqa: F811
    problems: list[str],  # noqa: F811
    instance: Instance,
    tmp_path: Path,
    live_server: Callable[[ASGIApp], str],
) -> None:
    agglo(instance, tmp_path)
    server = live_server(create_app(instance.settings, instance))
    page.goto(server + "/connexion")
    page.get_by_label("Adresse électronique").fill("dpo@agglo.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(server + "/organisations/agglo")
    page.get_by_role("link", name="Conservation des données : les purges à venir").click()
    assert page.locator("h1").inner_text() == "Conservation des données"
    row = page.get_by_role("row").filter(has_text="Usagers du transport")
    assert "P2Y" in row.inner_text()
    page.get_by_label("Horizon, en jours").fill("400")
    page.get_by_role("button", name="Afficher").click()
    assert page.url.endswith("?jours=400")
    assert "Purges à venir sous 400 jours" in page.locator("caption").inner_text()
    assert problems == []
