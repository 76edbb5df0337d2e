"""No Content-Security-Policy violation on the portal's key pages, its embeds and the API
documentation, in headless Chromium: a violation breaks a page silently (a script or a
style that does not run), so every ``securitypolicyviolation`` event is collected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from socle.config import Settings
from socle.instance import open_instance
from tests.portal._browser import CHROMIUM_ARGS, chromium_path, serve, watch
from tests.portal.conftest import add_communes, populate_portal

pytestmark = pytest.mark.browser

# Runs before any page script (Playwright injects it outside the page's CSP).
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
DRAWN = "canvas[data-drawn=true]"  # socle-chart.js drew the chart
# Each page, and what shows that its scripts ran (a selector only they produce).
PAGES = [
    ("/", "header.fr-header"),
    ("/jeux-de-donnees", "main"),
    ("/jeux-de-donnees/comptages", "main"),
    ("/jeux-de-donnees/comptages/tableau", "main"),
    ("/jeux-de-donnees/arrets/graphique?type=pie&x=nom&agregat=sum&y=montant", DRAWN),
    ("/jeux-de-donnees/arrets/carte", "#carte[data-features_shown]"),
    ("/embed/jeux-de-donnees/arrets/graphique?type=bar&x=nom&agregat=sum&y=montant", DRAWN),
    ("/embed/jeux-de-donnees/arrets/carte", "#carte[data-features_shown]"),
    ("/embed/jeux-de-donnees/comptages/tableau", "main"),
    ("/connexion", "form"),
    ("/statistiques", "main"),
    ("/api/v1/docs", ".swagger-ui .opblock"),  # Swagger UI rendered the operations
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home: Path = tmp_path_factory.mktemp("portal-csp")
    instance = open_instance(Settings(home=home / "home"))
    populate_portal(instance, home)
    add_communes(instance, home)
    with serve(instance) as url:
        yield url
    instance.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(COLLECT)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("path", "ready"), PAGES)
def test_no_csp_violation(page: Page, server: str, path: str, ready: str) -> None:
    problems: list[str] = []
    watch(page, problems)
    response = page.goto(server + path)
    assert response is not None and response.status == 200
    page.wait_for_selector(ready, timeout=20_000)
    page.wait_for_load_state("networkidle")
    assert "content-security-policy" in response.headers
    assert page.evaluate("window.__csp") == []
    assert problems == []


def test_the_collector_sees_a_violation(page: Page, server: str) -> None:
    """The check can fail: an inline script injected into a portal page is refused."""
    page.goto(server + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
