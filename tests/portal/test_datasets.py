"""``/jeux-de-donnees/{slug}`` and its tabs: metadata and history, the table explorer (filter,
sort, columns, per-column filters), API examples, downloads."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.portal import preview
from tests.portal._html import check_page

NNBSP = "\u202f"


def api_call(html: str) -> str:
    """The records API URL the page shows under its preview."""
    match = re.search(r'<pre class="socle-code[^"]*"><code><a href="([^"]+)">', html)
    assert match, "no API call on the page"
    return htmllib.unescape(match.group(1))


def preview_rows(html: str) -> list[list[str]]:
    body = html.split('class="fr-table fr-table--no-caption fr-table--sm socle-preview"')[1]
    body = body.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if "<td" in row]


def test_dataset_page_shows_metadata_schema_version_and_history(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/arrets")
    assert response.status_code == 200
    html = response.text
    assert check_page(html) == []
    assert "<h1>Arrêts de bus</h1>" in html
    assert "Public (open data)" in html
    assert 'href="/organisations/agglo">Agglomération du Val</a>' in html
    assert '<a class="fr-tag" href="/jeux-de-donnees?keyword=bus">bus</a>' in html
    assert "<td>Mensuelle</td>" in html
    assert "<td>01053, 01289</td>" in html
    assert "du 01/01/2023 au 31/12/2023" in html
    assert 'Service mobilité — <a href="mailto:mobilite@agglo.example">' in html
    assert re.search(r"Identifiant stable</th><td><code>[0-9a-f-]{36}</code>", html)
    assert "géométrie (GeoJSON, WGS84)" in html and "nombre décimal" in html
    assert re.search(r"SHA-256 du fichier source</th><td><code[^>]*>[0-9a-f]{64}<", html)
    assert "<td>arrets.geojson</td><td>GEOJSON</td><td>2</td>" in html  # history


def test_tabs_are_links_and_the_current_one_is_marked(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/arrets/tableau").text
    tabs = re.findall(
        r'<a class="socle-tabs__tab" href="([^"]+)"( aria-current="page")?>([^<]+)', html
    )
    assert [(href, label) for href, _, label in tabs] == [
        ("/jeux-de-donnees/arrets", "Informations"),
        ("/jeux-de-donnees/arrets/tableau", "Tableau"),
        ("/jeux-de-donnees/arrets/graphique", "Graphique"),
        ("/jeux-de-donnees/arrets/carte", "Carte"),
        ("/jeux-de-donnees/arrets/qualite", "Qualité"),
        ("/jeux-de-donnees/arrets/api", "API"),
        ("/jeux-de-donnees/arrets/telechargements", "Téléchargements"),
    ]
    assert [label for _, current, label in tabs if current] == ["Tableau"]
    comptages = client.get("/jeux-de-donnees/comptages").text
    assert "/jeux-de-donnees/comptages/carte" not in comptages  # no geometry, no map
    assert client.get("/jeux-de-donnees/comptages/carte").status_code == 404
    for tab in ("", "/tableau", "/graphique", "/carte", "/qualite", "/api", "/telechargements"):
        response = client.get("/jeux-de-donnees/arrets" + tab)
        assert response.status_code == 200, tab
        assert check_page(response.text) == [], tab
        assert "<h1>Arrêts de bus</h1>" in response.text


def test_old_table_links_reach_the_table_tab(client: TestClient) -> None:
    response = client.get(
        "/jeux-de-donnees/comptages", params={"where": "mode = 'vélo'"}, follow_redirects=False
    )
    assert response.status_code == 307
    assert response.headers["location"] == (
        "/jeux-de-donnees/comptages/tableau?where=mode+%3D+%27v%C3%A9lo%27"
    )


def test_downloads_list_every_format_with_known_sizes(
    client: TestClient, instance: Instance
) -> None:
    html = client.get("/jeux-de-donnees/arrets/telechargements").text
    assert check_page(html) == []
    for fmt in ("csv", "json", "geojson", "parquet", "xlsx"):
        assert f'href="/api/v1/datasets/arrets/exports/{fmt}"' in html
    assert "exports/csv?delimiter=%3B&amp;with_bom=true" in html
    assert "CSV pour Excel (;)" in html
    assert "connue après le premier téléchargement" in html
    csv = client.get("/api/v1/datasets/arrets/exports/csv")  # written once, then known
    html = client.get("/jeux-de-donnees/arrets/telechargements").text
    row = html.split('href="/api/v1/datasets/arrets/exports/csv"')[0].rsplit("<tr>", 1)[1]
    assert f"{len(csv.content)}\u00a0octets" in row
    assert re.search(r"SHA-256 : <code[^>]*>[0-9a-f]{64}</code>", row)
    html = client.get("/jeux-de-donnees/comptages/telechargements").text
    assert "exports/geojson" not in html  # GeoJSON only for geographic data
    assert "exports/parquet" in html


def test_api_tab_gives_ready_to_copy_calls(client: TestClient, instance: Instance) -> None:
    html = htmllib.unescape(client.get("/jeux-de-donnees/comptages/api").text)
    dataset_id = client.get("/api/v1/datasets/comptages").json()["id"]
    base = "http://testserver"
    for url in (
        f"{base}/api/v1/datasets/comptages/records?limit=10",
        f"{base}/api/explore/v2.1/catalog/datasets/comptages/records?limit=10",
        f"{base}/api/3/action/package_show?id=comptages",
        f"{base}/api/3/action/datastore_search?resource_id={dataset_id}&limit=10",
    ):
        assert url in html
    assert f'curl "{base}/api/v1/datasets/comptages/records?limit=10"' in html
    assert "import requests" in html and "import httpx" in html
    grouped = re.search(r'<code id="api-socle-groupes">([^<]+)</code>', html)
    assert grouped
    result = client.get(grouped.group(1)).json()  # the example runs as written
    assert sorted(r["identifiant"] for r in result["results"]) == ["C01", "C02"]
    assert {r["total"] for r in result["results"]} == {2}
    assert 'data-copy="api-socle-curl"' in html


def test_preview_in_french_formats(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/arrets/tableau").text
    assert "Aperçu : lignes 1 à 2 sur 2" in html
    rows = preview_rows(html)
    assert rows[0][0] == "Gare"
    assert f"1{NNBSP}234{NNBSP}567,5" in rows[0]
    assert "01/03/2023" in rows[0]
    assert "12,25" in rows[1]


def test_preview_and_its_api_call_return_the_same_rows(client: TestClient) -> None:
    params = {"where": "commune = 'Péronnas'", "order_by": "date_heure desc"}
    html = client.get("/jeux-de-donnees/comptages/tableau", params=params).text
    assert check_page(html) == []
    assert "2 lignes correspondent au filtre" in html
    url = api_call(html)
    assert url == (
        "http://testserver/api/v1/datasets/comptages/records?where=commune+%3D+%27P%C3%A9ronnas"
        "%27&order_by=date_heure+desc&limit=20"
    )
    api = client.get(url).json()
    assert [r["date_heure"] for r in api["results"]] == [
        "2024-01-01T09:00:00",
        "2024-01-01T08:00:00",
    ]
    assert [row[3] for row in preview_rows(html)] == ["01/01/2024 09:00", "01/01/2024 08:00"]


def test_header_links_sort_and_say_how(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/comptages/tableau", params={"order_by": "date_heure"}).text
    assert '<th scope="col" aria-sort="ascending">' in html
    assert 'href="?order_by=date_heure+desc#apercu">date_heure' in html  # next click: desc
    assert 'href="?order_by=commune#apercu">commune' in html
    html = client.get(
        "/jeux-de-donnees/comptages/tableau", params={"order_by": "date_heure desc"}
    ).text
    assert '<th scope="col" aria-sort="descending">' in html


def test_preview_pages(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview, "ROWS", 3)
    html = client.get("/jeux-de-donnees/comptages/tableau", params={"page": 2}).text
    assert "Aperçu : lignes 4 à 4 sur 4" in html
    assert len(preview_rows(html)) == 1
    assert api_call(html).endswith("records?limit=3&offset=3")
    assert 'href="?#apercu">Page précédente</a>' in html
    assert "Pagination du tableau" in html


def test_bad_filter_is_shown_inline_with_its_position(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/comptages/tableau", params={"where": "commune = = 'x'"})
    assert response.status_code == 400
    html = response.text
    assert check_page(html) == []
    assert '<p class="fr-error-text">« = » inattendu dans « where », position 10</p>' in html
    assert 'aria-describedby="filtre-erreur" aria-invalid="true"' in html
    assert '<code class="socle-where">commune = <mark>=</mark> &#39;x&#39;</code>' in html
    assert 'value="commune = = &#39;x&#39;"' in html  # the form keeps what was typed
    assert "socle-preview" not in html


def test_bad_sort_is_shown_with_a_way_out(client: TestClient) -> None:
    response = client.get(
        "/jeux-de-donnees/comptages/tableau",
        params={"order_by": "inconnu", "where": "comptage > 0"},
    )
    assert response.status_code == 400
    assert "Champ inconnu « inconnu »" in response.text
    assert 'href="?where=comptage+%3E+0#apercu">retirer le tri</a>' in response.text
    assert 'name="order_by"' not in response.text  # the next submit drops the bad sort


def test_internal_and_unknown_datasets_are_french_404(client: TestClient) -> None:
    for path in ("/jeux-de-donnees/subventions", "/jeux-de-donnees/inconnu"):
        response = client.get(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "<h1>Page non trouvée</h1>" in response.text
        assert "Subventions" not in response.text


def test_markdown_cannot_inject_html_nor_a_second_h1(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/arrets").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "<h2>Arrêts</h2>" in html  # « # Arrêts » in the description
    assert check_page(html) == []


def test_markdown_links_cannot_run_javascript(
    client: TestClient, instance: Instance, tmp_path: Path
) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a;b\n1;2\n", encoding="utf-8")
    hostile = "[lien](javascript:alert(1)) ![i](data:text/html,x) <img src=x onerror=alert(1)>"
    add_version(
        instance,
        ADMIN,
        source,
        "piege",
        metadata=parse_metadata(title="Piège", description=hostile, access="public"),
    )
    html = client.get("/jeux-de-donnees/piege").text
    assert 'href="javascript:' not in html
    assert 'src="data:' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert check_page(html) == []


def test_columns_named_like_keywords_or_with_spaces_sort(
    client: TestClient, instance: Instance, tmp_path: Path
) -> None:
    source = tmp_path / "velos.csv"
    source.write_text("nb vélos;desc\n3;a\n10;b\n2;c\n", encoding="utf-8")
    add_version(
        instance, ADMIN, source, "velos", metadata=parse_metadata(title="Vélos", access="public")
    )
    html = client.get("/jeux-de-donnees/velos/tableau").text
    assert 'href="?order_by=%60nb+v%C3%A9los%60#apercu">nb vélos' in html
    html = client.get("/jeux-de-donnees/velos/tableau", params={"order_by": "`nb vélos` desc"}).text
    assert [row[0] for row in preview_rows(html)] == ["10", "3", "2"]
    html = client.get("/jeux-de-donnees/velos/tableau", params={"order_by": "`desc` desc"}).text
    assert [row[1] for row in preview_rows(html)] == ["c", "b", "a"]
