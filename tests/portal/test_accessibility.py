"""axe-core (from npm, used by tests only) on every portal page of the demo territory, in
French and in English: no serious or critical violation, and no request leaves 127.0.0.1.

One server and one browser for the module; the pages in a loop, each checked once its
scripts (chart, map) have settled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from socle.config import Settings
from socle.core import catalog, schemas
from socle.core.tableschema import geometry_field
from socle.demo.load import load_demo
from socle.governance.policy import ANONYMOUS
from socle.instance import open_instance
from socle.portal.i18n import LANGUAGES
from tests.portal._browser import CHROMIUM_ARGS, chromium_path, serve, watch

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
DATASET_TABS = ("", "/tableau", "/graphique", "/qualite", "/api", "/telechargements")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The demo territory served for the module, and every page of its portal."""
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
    with serve(instance) as url:
        yield url, pages
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


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_no_serious_violation_on_any_page(
    browser: Browser, demo: tuple[str, list[str]], lang: str
) -> None:
    server, pages = demo
    # The portal's CSP allows no inline script: axe is injected in a context that bypasses it
    # (test_browser.py checks the CSP itself).
    context = browser.new_context(bypass_csp=True, locale=lang)
    context.add_cookies([{"name": "lang", "value": lang, "url": server}])
    problems: list[str] = []
    page = watch(context.new_page(), problems)
    violations: list[str] = []
    for path in pages:
        response = page.goto(server + path)
        assert response is not None
        assert response.status == (404 if path == "/page-inconnue" else 200), path
        settle(page)
        assert page.get_attribute("html", "lang") == lang, path
        page.add_script_tag(path=str(AXE))
        violations += blocking(
            page.evaluate("axe.run(document, {resultTypes: ['violations']})"), path
        )
    context.close()
    assert violations == []
    expected_404 = "failed to load resource: the server responded with a status of 404"
    assert [p for p in problems if expected_404 not in p.lower()] == []
