"""axe-core (from npm, used by tests only) on every portal page of the demo territory, in
French and in English: no serious or critical violation, and no request leaves 127.0.0.1.

One server and one browser for the module; the pages in a loop, each checked once its
scripts (chart, map) have settled. Pages for signed-in people (the authority's admin and DPO,
the partner's member) are checked signed in as them, through the sign-in form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from socle.config import Settings
from socle.core import catalog, schemas
from socle.core.memberships import set_membership
from socle.core.tableschema import geometry_field
from socle.core.users import create_user
from socle.demo.algorithms import ALGORITHMS
from socle.demo.load import load_demo
from socle.demo.partner import AGREEMENT, PARTNER
from socle.demo.register import ACTIVITIES
from socle.governance.policy import ANONYMOUS
from socle.instance import open_instance
from socle.portal.i18n import LANGUAGES
from tests.portal._browser import CHROMIUM_ARGS, chromium_path, serve, watch

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
DATASET_TABS = ("", "/tableau", "/graphique", "/qualite", "/api", "/telechargements")
PASSWORD = "cheval agrafe batterie"
# Who signs in (None: an anonymous visitor), as which member of which organization.
PEOPLE = {
    "admin@val-de-lumiere.example": ("val-de-lumiere", "admin"),
    "dpo@val-de-lumiere.example": ("val-de-lumiere", "dpo"),
    "sig@eclairage-bresse-services.example": (PARTNER.slug, "admin"),
}
Pages = dict[str | None, list[str]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Pages]]:
    """The demo territory served for the module, and every page of its portal by who sees it."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci --ignore-scripts` (scripts/setup.sh)")
    home = tmp_path_factory.mktemp("portal-a11y")
    instance = open_instance(Settings(home=home / "home"))
    load_demo(instance)
    entries = [e for e in catalog.visible_entries(instance, ANONYMOUS) if e.latest]
    geographic = [e.dataset.slug for e in entries if geometry_field(e.latest.table_schema)]
    org = entries[0].organization
    assert org is not None and geographic
    pages = [
        "/",
        f"/jeux-de-donnees?q=vélo&organization={org.slug}",
        "/organisations",
        f"/organisations/{org.slug}",
        "/schemas",
        *(f"/schemas/{s.name}@{s.version}" for s in schemas.list_schemas(instance)),
        "/a-propos/api",
        "/page-inconnue",
    ]
    for entry in entries:
        page = f"/jeux-de-donnees/{entry.dataset.slug}"
        pages += [page + tab for tab in DATASET_TABS]
        if entry.dataset.slug in geographic:
            pages.append(page + "/carte")
    embed = f"/embed/jeux-de-donnees/{geographic[0]}"
    pages += [embed + "/tableau", embed + "/graphique", embed + "/carte"]
    pages += [
        f"/organisations/{PARTNER.slug}",
        "/registre",
        *(f"/registre/{a.slug}" for a in ACTIVITIES),
        f"/organisations/{org.slug}/registre",
        f"/organisations/{org.slug}/registre/impression",
        "/algorithmes",
        *(f"/algorithmes/{a.slug}" for a in ALGORITHMS),
    ]
    for email, (member_of, role) in PEOPLE.items():
        create_user(instance, email, PASSWORD)
        set_membership(instance, member_of, email, role)
    admin, dpo, partner = PEOPLE
    dpia = next(a.slug for a in ACTIVITIES if a.dpia)
    signed_in = {
        admin: [
            "/conventions",
            "/conventions/nouvelle",
            f"/conventions/{AGREEMENT}",
            f"/organisations/{org.slug}/livraisons",
            f"/organisations/{org.slug}/conservation",
            "/registre/nouveau",
            f"/registre/{dpia}/modifier",
            "/journal",
        ],
        dpo: [f"/registre/{dpia}", "/journal"],
        partner: ["/conventions", f"/conventions/{AGREEMENT}"],
    }
    with serve(instance) as url:
        yield url, {None: pages, **signed_in}
    instance.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def settle(page: Page) -> None:
    """Wait for what scripts draw: a chart's canvas, a map's features."""
    if page.locator("canvas[data-chart]").count():
        page.wait_for_selector("canvas[data-drawn=true]")
    if page.locator("#carte").count():
        page.wait_for_selector("#carte[data-features_shown]")


def blocking(results: dict[str, Any], url: str) -> list[str]:
    """The serious and critical violations, one readable line per rule and page."""
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def sign_in(page: Page, server: str, email: str) -> None:
    """Through the sign-in form, in whichever language the page speaks."""
    page.goto(server + "/connexion")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/connexion'] button[type=submit]")
    assert "/connexion" not in page.url, f"{email} could not sign in"


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_no_serious_violation_on_any_page(
    browser: Browser, demo: tuple[str, Pages], lang: str
) -> None:
    server, pages_of = demo
    problems: list[str] = []
    violations: list[str] = []
    for person, pages in pages_of.items():
        # The portal's CSP allows no inline script: axe is injected in a context that
        # bypasses it (test_browser.py checks the CSP itself).
        context = browser.new_context(bypass_csp=True, locale=lang)
        context.add_cookies([{"name": "lang", "value": lang, "url": server}])
        page = watch(context.new_page(), problems)
        if person is not None:
            sign_in(page, server, person)
        for path in pages:
            response = page.goto(server + path)
            assert response is not None
            assert response.status == (404 if path == "/page-inconnue" else 200), (person, path)
            settle(page)
            assert page.get_attribute("html", "lang") == lang, path
            page.add_script_tag(path=str(AXE))
            results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            violations += blocking(results, f"{path} ({person or 'anonyme'})")
        context.close()
    assert violations == []
    expected_404 = "failed to load resource: the server responded with a status of 404"
    assert [p for p in problems if expected_404 not in p.lower()] == []
