"""``/jeux-de-donnees/{slug}/graphique``: groups and periods, the data table under the chart,
the same figures from the API, errors, and the embed."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from fastapi.testclient import TestClient

from socle.portal import charts
from tests.portal._html import check_page

NNBSP = "\u202f"


def chart_rows(html: str) -> list[tuple[str, str]]:
    """(label, raw value) of each row of the chart's data table."""
    body = html.split('<table id="graphique-donnees">')[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row">([^<]*)</th><td[^>]*data-value="([^"]*)"', body)


def test_default_chart_counts_rows_by_the_first_text_field(client: TestClient) -> None:
    response = client.get("/jeux-de-donnees/comptages/graphique")
    assert response.status_code == 200
    html = response.text
    assert check_page(html) == []
    assert "Nombre de lignes par identifiant" in html
    assert sorted(chart_rows(html)) == [("C01", "2"), ("C02", "2")]
    assert 'data-chart="bar"' in html and 'src="/static/chartjs/chart.umd.min.js"' in html
    api = re.search(r'<pre class="socle-code[^"]*"><code><a href="([^"]+)">', html)
    assert api
    results = client.get(htmllib.unescape(api.group(1))).json()["results"]
    assert sorted((r["identifiant"], r["__valeur"]) for r in results) == [("C01", 2), ("C02", 2)]


def test_sum_of_a_numeric_field_largest_first(client: TestClient) -> None:
    params = {"x": "nom", "agregat": "sum", "y": "montant", "type": "pie"}
    html = client.get("/jeux-de-donnees/arrets/graphique", params=params).text
    assert "Somme de montant par nom" in html
    assert chart_rows(html) == [("Gare", "1234567.5"), ("Mairie", "12.25")]
    assert f"1{NNBSP}234{NNBSP}567,5" in html
    assert 'data-chart="pie"' in html


def test_time_series_by_year_month_or_day(client: TestClient) -> None:
    page = "/jeux-de-donnees/comptages/graphique"
    html = client.get(page, params={"x": "date_heure", "type": "line"}).text
    assert "Nombre de lignes par mois de date_heure" in html  # month by default
    assert chart_rows(html) == [("01/2024", "4")]
    html = client.get(page, params={"x": "date_heure", "pas": "day"}).text
    assert chart_rows(html) == [("01/01/2024", "4")]
    params = {"x": "date_heure", "pas": "year", "where": "mode = 'vélo'"}
    html = client.get(page, params=params).text
    assert chart_rows(html) == [("2024", "2")]
    # The same figures from the API, through the query language's date functions.
    api = re.search(r'<pre class="socle-code[^"]*"><code><a href="([^"]+)">', html)
    assert api and "date_format" in htmllib.unescape(api.group(1))
    results = client.get(htmllib.unescape(api.group(1))).json()["results"]
    assert [(r["__periode"], r["__valeur"]) for r in results] == [("2024", 2)]
    html = client.get("/jeux-de-donnees/arrets/graphique", params={"x": "mise_en_service"}).text
    assert chart_rows(html) == [("03/2023", "1"), ("12/2023", "1")]


def test_too_many_groups_are_cut_and_said(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "MAX_GROUPS", 1)
    html = client.get("/jeux-de-donnees/comptages/graphique").text
    assert len(chart_rows(html)) == 1
    assert "Les 1 premiers groupes seulement" in html


def test_bad_choices_are_french_errors(client: TestClient) -> None:
    page = "/jeux-de-donnees/comptages/graphique"
    response = client.get(page, params={"x": "inconnu"})
    assert response.status_code == 400
    assert "Champ inconnu ou non groupable « inconnu »" in response.text
    response = client.get(page, params={"where": "commune = = 'x'"})
    assert response.status_code == 400
    assert check_page(response.text) == []
    assert "position 10" in response.text
    assert client.get(page, params={"type": "radar"}).status_code == 400
    assert client.get("/jeux-de-donnees/subventions/graphique").status_code == 404


def test_chart_embed_is_framable_and_bare(client: TestClient) -> None:
    html = client.get("/jeux-de-donnees/comptages/graphique", params={"type": "line"}).text
    snippet = htmllib.unescape(re.search(r"<textarea[^>]*>([^<]+)</textarea>", html).group(1))
    src = re.search(r'<iframe src="([^"]+)"', snippet)
    assert src and htmllib.unescape(src.group(1)) == (
        "http://testserver/embed/jeux-de-donnees/comptages/graphique?type=line&x=identifiant"
        "&agregat=count"
    )
    embed = client.get(htmllib.unescape(src.group(1)))
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert check_page(embed.text) == []
    assert 'class="fr-header"' not in embed.text and "fr-footer" not in embed.text
    assert 'data-chart="line"' in embed.text
    page = client.get("/jeux-de-donnees/comptages/graphique")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
