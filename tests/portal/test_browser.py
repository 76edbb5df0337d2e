"""The portal in headless Chromium (Debian's package, driven by Playwright): pages load with
their styles, the console stays clean, nothing is fetched from another host, and the preview
can be sorted and filtered with a keyboard and a mouse."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from socle.api.app import create_app
from socle.instance import Instance
from tests.api.conftest import populate

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI (scripts/setup.sh --test installs it)")
        pytest.skip("chromium is not installed: run `bash scripts/setup.sh --test` as root")
    return path


@pytest.fixture
def server(instance: Instance, tmp_path: Path) -> Iterator[str]:
    populate(instance, tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(instance.settings, instance), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.problems = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"),  # type: ignore[attr-defined]
        )
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))  # type: ignore[attr-defined]
        page.on(
            "requestfailed",
            lambda r: page.problems.append(f"failed: {r.url}"),  # type: ignore[attr-defined]
        )
        page.on(
            "request",
            lambda r: (
                r.url.startswith((server, "data:"))
                or page.problems.append(f"outside request: {r.url}")
            ),  # type: ignore[attr-defined]
        )
        yield page
        browser.close()


def test_pages_load_clean_and_styled(page, server: str) -> None:  # type: ignore[no-untyped-def]
    for path, heading in (
        ("/", "Les données de Socle"),
        ("/jeux-de-donnees", "Jeux de données"),
        ("/jeux-de-donnees/comptages", "Comptages vélos et voitures"),
        ("/organisations/agglo", "Agglomération du Val"),
    ):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == heading
        # DSFR's stylesheet and its Marianne font are applied.
        assert "Marianne" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.problems == []


def test_keyboard_reaches_skip_link_and_search(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Contenu"
    page.fill("#recherche-accueil", "vélo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/jeux-de-donnees?q=*")
    assert "Comptages vélos et voitures" in page.content()
    assert page.problems == []


def test_preview_sort_and_filter(page, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/jeux-de-donnees/comptages")
    page.click("th >> text=date_heure")
    page.wait_for_url("**order_by=date_heure*")
    page.click("th >> text=date_heure")
    page.wait_for_url("**order_by=date_heure+desc*")
    first = page.locator(".socle-preview tbody tr").first.inner_text()
    assert "01/01/2024 09:00" in first
    page.fill("#filtre", "commune = 'Péronnas'")
    page.click("button:has-text('Filtrer')")
    page.wait_for_url("**where=*")
    assert page.locator(".socle-preview tbody tr").count() == 2
    page.screenshot(path=os.environ.get("SOCLE_SCREENSHOT", str(tmp_path / "dataset.png")))
    assert page.problems == []
