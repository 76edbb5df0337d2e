"""The portal in headless Chromium (Debian's package, driven by Playwright): pages load with
their styles, the console stays clean, nothing is fetched from another host, the table can be
sorted, filtered and its columns chosen, a chart built, a map shows clustered points with
popups, an embed works in an iframe, and the language switch works, with a keyboard and a
mouse, on a desktop and a phone."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from socle.config import Settings
from socle.instance import open_instance
from tests._images import image_bytes
from tests.portal._browser import CHROMIUM_ARGS, chromium_path, serve, watch
from tests.portal.conftest import add_communes, add_geojson, populate_portal

pytestmark = pytest.mark.browser
CHARGERS = 2000  # enough points for clusters
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One populated instance served by uvicorn on a free loopback port, for the module."""
    home = tmp_path_factory.mktemp("portal-browser")
    instance = open_instance(Settings(home=home / "home"))
    populate_portal(instance, home)
    add_communes(instance, home)
    chargers = [
        (
            {"type": "Point", "coordinates": [5.15 + (i % 50) / 500, 46.15 + (i // 50) / 500]},
            {"nom": f"Borne {i}", "puissance_kw": 22},
        )
        for i in range(CHARGERS)
    ]
    add_geojson(instance, home, "bornes", chargers, "Bornes de recharge")
    with serve(instance) as url:
        yield url
    instance.close()


@contextmanager
def other_site(html: str) -> Iterator[str]:
    """Another origin on the loopback (another port) serving one page, as a commune's site."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def problems() -> list[str]:
    """Console errors, page errors, failed requests and requests to any other host."""
    return []


@pytest.fixture
def page(browser: Browser, problems: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    yield watch(context.new_page(), problems)
    context.close()


@pytest.fixture
def phone(browser: Browser, problems: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True)
    yield watch(context.new_page(), problems)
    context.close()


def test_pages_load_clean_and_styled(page: Page, server: str, problems: list[str]) -> None:
    for path, heading in (
        ("/", "Les données de Socle"),
        ("/jeux-de-donnees", "Jeux de données"),
        ("/jeux-de-donnees/comptages", "Comptages vélos et voitures"),
        ("/jeux-de-donnees/arrets", "Arrêts de bus"),
        *(
            (f"/jeux-de-donnees/arrets/{tab}", "Arrêts de bus")
            for tab in ("tableau", "graphique", "carte", "qualite", "api", "telechargements")
        ),
        ("/organisations", "Organisations"),
        ("/organisations/agglo", "Agglomération du Val"),
        ("/statistiques", "Statistiques d'utilisation"),
    ):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == heading
        # DSFR's stylesheet, its Marianne font and its script are all there.
        assert "Marianne" in page.evaluate("getComputedStyle(document.body).fontFamily")
        assert page.evaluate("document.fonts.check('16px Marianne')")
        assert page.evaluate("typeof window.dsfr") == "function"
    assert problems == []


def test_keyboard_reaches_skip_link_and_search(
    page: Page, server: str, problems: list[str]
) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Contenu"
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "recherche-entete":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "recherche-entete"
    page.keyboard.type("vélo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/jeux-de-donnees?q=*")
    assert page.locator(".fr-card__title").all_inner_texts() == ["Comptages vélos et voitures"]
    assert problems == []


def test_preview_sort_and_filter(
    page: Page, server: str, problems: list[str], tmp_path: Path
) -> None:
    page.goto(server + "/jeux-de-donnees/comptages/tableau")
    page.click("th >> text=date_heure")
    page.wait_for_url("**order_by=date_heure#apercu")
    assert page.get_attribute("th:has-text('date_heure')", "aria-sort") == "ascending"
    page.click("th >> text=date_heure")
    page.wait_for_url("**order_by=date_heure+desc#apercu")
    assert page.get_attribute("th:has-text('date_heure')", "aria-sort") == "descending"
    assert "01/01/2024 09:00" in page.locator(".socle-preview tbody tr").first.inner_text()
    page.fill("#filtre", "commune = 'Péronnas'")
    page.click("button:has-text('Filtrer')")
    page.wait_for_url("**where=*")
    assert page.locator(".socle-preview tbody tr").count() == 2
    assert "order_by=date_heure+desc" in page.url  # the filter keeps the sort
    api = page.locator("pre.socle-code a").inner_text()
    assert api.startswith(server + "/api/v1/datasets/comptages/records?where=")
    shot = os.environ.get("SOCLE_SCREENSHOT", str(tmp_path / "dataset.png"))
    page.screenshot(path=shot, full_page=True)
    assert problems == []


def test_bad_filter_is_explained_beside_the_field(
    page: Page, server: str, problems: list[str]
) -> None:
    page.goto(server + "/jeux-de-donnees/comptages/tableau")
    page.fill("#filtre", "commune = = 'x'")
    page.keyboard.press("Enter")
    page.wait_for_url("**where=*")
    assert "position 10" in page.locator("#filtre-erreur").inner_text()
    assert page.input_value("#filtre") == "commune = = 'x'"
    assert problems == [
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]


def test_phone_menu_and_search_open(phone: Page, server: str, problems: list[str]) -> None:
    phone.goto(server + "/jeux-de-donnees/arrets")
    phone.wait_for_load_state("networkidle")
    assert not phone.is_visible("#navigation")  # folded behind the Menu button
    phone.click("#bouton-menu")
    phone.wait_for_selector("#navigation", state="visible")
    phone.click("#navigation >> text=Organisations")
    phone.wait_for_url("**/organisations")
    phone.click("#bouton-recherche")
    phone.fill("#recherche-entete", "bus")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/jeux-de-donnees?q=bus")
    assert phone.locator(".fr-card__title").all_inner_texts() == ["Arrêts de bus"]
    # The page does not scroll sideways: wide tables scroll inside their own box.
    phone.goto(server + "/jeux-de-donnees/arrets")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems == []


def test_table_columns_and_column_filter(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/jeux-de-donnees/comptages/tableau")
    page.click("summary:has-text('Colonnes affichées')")
    for name in ("identifiant", "code_insee", "date_heure"):
        page.click(f"fieldset[aria-labelledby=colonnes-titre] label:text-is('{name}')")
    page.fill("input[name='f.commune']", "peronnas")  # accents and case ignored
    page.click("button:has-text('Filtrer')")
    page.wait_for_url("**f.commune=peronnas*")
    headers = page.locator(".socle-preview th a").all_inner_texts()
    assert [h.split("\n")[0].strip() for h in headers] == ["commune", "comptage", "mode"]
    assert page.locator(".socle-preview tbody tr").count() == 2
    assert page.is_checked("input[name=colonne][value=mode]")
    assert not page.is_checked("input[name=colonne][value=identifiant]")
    page.click("summary:has-text('Intégrer')")
    assert page.is_visible("button[data-copy=integrer-tableau]")  # shown by socle.js
    assert "/embed/jeux-de-donnees/comptages/tableau?" in page.input_value("#integrer-tableau")
    assert problems == []


def test_chart_building(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/jeux-de-donnees/comptages/graphique")
    page.wait_for_selector("canvas[data-drawn=true]")
    page.select_option("#graphique-type", "area")
    page.select_option("#graphique-x", "date_heure")
    page.select_option("#graphique-pas", "day")
    page.fill("#graphique-filtre", "mode = 'vélo'")
    page.click("button:has-text('Afficher le graphique')")
    page.wait_for_url("**type=area*")
    page.wait_for_selector("canvas[data-drawn=true]")
    assert "x=date_heure" in page.url and "pas=day" in page.url  # shareable
    assert (
        page.locator("#graphique-titre").inner_text() == "Nombre de lignes par jour de date_heure"
    )
    assert page.locator("#graphique-donnees tbody tr").all_inner_texts() == ["01/01/2024\t2"]
    chart = page.evaluate("Chart.getChart('graphique-canvas').config.type")
    assert chart == "line"  # an area is a filled line
    assert problems == []


def test_map_clusters_points_and_opens_popups(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/jeux-de-donnees/bornes/carte")
    page.wait_for_selector("#carte[data-features_shown]")
    assert page.get_attribute("#carte", "data-features_shown") == str(CHARGERS)
    assert page.locator(".marker-cluster").count() >= 1
    assert page.locator(".leaflet-overlay-pane path").count() == 2  # the two communes
    assert "aucun serveur de tuiles" in page.inner_text("main")
    # A record's popup, reached with the keyboard: Tab to a marker, Enter.
    page.goto(server + "/jeux-de-donnees/arrets/carte")
    page.wait_for_selector("#carte[data-features_shown='2']")
    page.focus(".socle-marker[title='Gare']")
    page.keyboard.press("Enter")
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "Gare" in popup.inner_text() and "1234567.5" in popup.inner_text()
    assert problems == []


def test_embed_in_an_iframe(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/jeux-de-donnees/arrets/graphique?type=pie&x=nom&agregat=sum&y=montant")
    code = page.input_value("#integrer-graphique")
    # Another site (another origin: another port) pastes the code; the portal's other pages
    # still refuse to be framed.
    html = f"<!doctype html><h1>Site de la commune</h1>{code}<iframe src='{server}/'></iframe>"
    with other_site(html) as site:
        page.goto(site)
        frame = page.frame_locator("iframe").first
        frame.locator("canvas[data-drawn=true]").wait_for()
    assert frame.locator("h1").inner_text() == "Arrêts de bus"
    assert frame.locator(".fr-header").count() == 0
    # The refused frame: its console message and its failed load (Chromium may report it twice).
    assert {p.split(":")[0] for p in problems} == {"console", "failed"}
    assert all(f"{server}/" in p and "/embed/" not in p for p in problems)
    assert any("frame-ancestors 'none'" in p for p in problems)


def send_after_minimum_time(page: Page, button: str) -> None:
    """People take a few seconds to fill a form: the portal refuses faster posts."""
    page.wait_for_timeout(3200)
    page.click(button)


def test_propose_a_reuse_from_a_dataset_page(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/jeux-de-donnees/arrets")
    page.click("text=Proposer une réutilisation de ce jeu de données")
    assert page.input_value("#champ-datasets").strip() == "arrets"
    page.fill("#champ-title", "Carte des arrêts accessibles")
    page.fill("#champ-url", "ftp://carte.example/")
    page.fill("#champ-description", "Les arrêts et leur accessibilité.")
    picture = {"name": "capture.png", "mimeType": "image/png", "buffer": image_bytes()}
    page.set_input_files("#champ-image", files=[picture])
    send_after_minimum_time(page, "button:has-text('Envoyer la proposition')")
    assert "commençant par https://" in page.inner_text("#erreurs")
    assert page.input_value("#champ-title") == "Carte des arrêts accessibles"
    page.fill("#champ-url", "https://carte.example/")
    page.set_input_files("#champ-image", files=[picture])
    send_after_minimum_time(page, "button:has-text('Envoyer la proposition')")
    assert page.locator("h1").inner_text() == "Merci pour votre proposition"
    # The refused post answered 400 (the browser logs it); nothing else went wrong.
    assert problems == [
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]


def test_ask_for_data(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/demandes")
    page.click("main >> text=Demander une donnée")
    page.fill("#champ-title", "Horaires des piscines")
    page.fill("#champ-description", "Par bassin, en CSV.")
    page.select_option("#champ-organization", "agglo")
    send_after_minimum_time(page, "button:has-text('Envoyer la demande')")
    assert page.locator("h1").inner_text() == "Merci pour votre demande"


def test_language_switch(page: Page, server: str, problems: list[str]) -> None:
    page.goto(server + "/jeux-de-donnees?q=bus")
    assert page.get_attribute("html", "lang") == "fr"
    page.click(".fr-header__tools .fr-translate__btn")
    page.click(".fr-header__tools a[hreflang=en]")
    page.wait_for_url("**lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Datasets"
    assert page.input_value("#recherche-catalogue") == "bus"  # same page, same search
    # Remembered: the next pages are in English without the parameter.
    page.click("#navigation >> text=Organizations")
    page.wait_for_url("**/organisations")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Organizations"
    assert problems == []
