"""Usage counting through the ASGI app: what counts, what does not, and who sees what."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core.catalog import rename_dataset
from socle.core.usage import Kind, Ref, reports
from socle.governance.policy import ADMIN
from socle.instance import Instance
from tests.portal.conftest import populate_portal

PAGE = "/jeux-de-donnees/comptages"
NATIVE = "/api/v1/datasets/comptages"
ODS = "/api/explore/v2.1/catalog/datasets/comptages"
CKAN = "/api/3/action"
NO_USAGE = {
    "views": 0,
    "views_by_page": {},
    "downloads": 0,
    "downloads_by_format": {},
    "api_calls": 0,
    "api_calls_by_api": {},
}


@pytest.fixture
def client(instance: Instance, tmp_path: Path) -> Iterator[TestClient]:
    """The API tests' instance plus a public geographic dataset, « arrets »."""
    populate_portal(instance, tmp_path)
    with TestClient(create_app(instance.settings, instance)) as test_client:
        yield test_client


def totals(client: TestClient, instance: Instance, slug: str = "comptages") -> dict[str, Any]:
    """Flush the app's counts (no waiting for the periodic flush), read them as the admin."""
    client.app.state.usage.flush()  # type: ignore[attr-defined]
    return reports.dataset_usage(instance, ADMIN, slug)["totals"]  # type: ignore[no-any-return]


def ok(client: TestClient, url: str, **kwargs: Any) -> None:
    response = client.request(kwargs.pop("method", "GET"), url, **kwargs)
    assert response.status_code == 200, (url, response.text[:300])


def test_pages_downloads_and_records_calls_of_every_api_are_counted(
    client: TestClient, instance: Instance
) -> None:
    for tab in ("", "/tableau", "/tableau", "/graphique", "/qualite", "/api", "/telechargements"):
        ok(client, PAGE + tab)
    ok(client, "/embed" + PAGE + "/graphique")
    ok(client, f"{NATIVE}/exports/csv")
    ok(client, f"{NATIVE}/exports/csv?delimiter=%3B&with_bom=true")
    ok(client, f"{NATIVE}/exports/parquet")
    ok(client, f"{ODS}/exports/json")
    ok(client, f"{NATIVE}/records?where=comptage%20%3E%20100")
    ok(client, f"{ODS}/records?limit=2")
    resource = client.get(f"{CKAN}/package_show?id=comptages").json()["result"]["resources"][0]
    ok(client, f"{CKAN}/datastore_search?resource_id=comptages")
    ok(client, f"{CKAN}/datastore_search", method="POST", json={"resource_id": resource["id"]})
    ok(client, f"{CKAN}/datastore_search", method="POST", data={"resource_id": resource["id"]})
    # Metadata, versions, catalog searches and single records are not usage of the data.
    for url in (NATIVE, f"{NATIVE}/versions", ODS, "/api/v1/datasets", f"{CKAN}/package_list"):
        ok(client, url)
    assert totals(client, instance) == {
        "views": 8,
        "views_by_page": {
            "informations": 1,
            "tableau": 2,
            "graphique": 1,
            "graphique-integre": 1,
            "qualite": 1,
            "api": 1,
            "telechargements": 1,
        },
        "downloads": 4,
        "downloads_by_format": {"csv": 2, "parquet": 1, "json": 1},
        "api_calls": 5,
        "api_calls_by_api": {"v1": 1, "ods": 1, "ckan": 3},
    }
    ok(client, "/jeux-de-donnees/arrets/carte")
    ok(client, "/api/ogc/collections/arrets/items?limit=1")
    arrets = totals(client, instance, "arrets")
    assert (arrets["views_by_page"], arrets["api_calls_by_api"]) == ({"carte": 1}, {"ogc": 1})


def test_failures_hidden_datasets_and_robots_are_not_counted(
    client: TestClient, instance: Instance
) -> None:
    hidden = [
        "/jeux-de-donnees/subventions",
        "/jeux-de-donnees/subventions/tableau",
        "/api/v1/datasets/subventions/records",
        "/api/v1/datasets/subventions/exports/csv",
        "/api/explore/v2.1/catalog/datasets/subventions/records",
        f"{CKAN}/datastore_search?resource_id=subventions",
        "/api/v1/datasets/inconnu/records",
        "/api/ogc/collections/comptages/items",  # not geographic
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url
    assert client.post(f"{CKAN}/datastore_search", json={"resource_id": "subventions"}).status_code
    assert client.get(f"{NATIVE}/records?where=inconnu%20%3D%201").status_code == 400
    assert client.get(f"{NATIVE}/exports/csv?delimiter=x").status_code == 400
    for robot in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
        "facebookexternalhit/1.1",
    ):
        ok(client, PAGE, headers={"User-Agent": robot})
        ok(client, f"{NATIVE}/exports/csv", headers={"User-Agent": robot})
    assert client.app.state.usage.flush() == 0  # type: ignore[attr-defined]
    with instance.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM usage_counts")).scalar() == 0
    ok(client, f"{NATIVE}/records", headers={"User-Agent": "curl/8.5.0"})
    ok(client, f"{NATIVE}/records", headers={"User-Agent": "python-httpx/0.28"})
    assert totals(client, instance)["api_calls"] == 2


def test_stats_answer_a_monthly_summary_to_readers_and_404_for_hidden_datasets(
    client: TestClient, instance: Instance
) -> None:
    ok(client, PAGE)
    ok(client, f"{NATIVE}/exports/csv")
    client.app.state.usage.flush()  # type: ignore[attr-defined]
    answer = client.get(f"{NATIVE}/stats").json()
    assert answer["granularity"] == "month"
    assert answer["totals"]["views"] == 1
    assert answer["totals"]["downloads_by_format"] == {"csv": 1}
    [month] = answer["series"]
    assert set(month) == {"period", "views", "downloads", "api_calls"}  # no daily detail
    assert len(month["period"]) == 7  # AAAA-MM
    detail = reports.dataset_usage(instance, ADMIN, "comptages")
    assert detail["granularity"] == "day"
    assert detail["series"][0]["downloads_by_format"] == {"csv": 1}

    hidden = client.get("/api/v1/datasets/subventions/stats")
    missing = client.get("/api/v1/datasets/inconnu/stats")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["type"] == missing.json()["type"]
    backwards = client.get(f"{NATIVE}/stats?from=2024-05-01&to=2024-04-30")
    assert backwards.status_code == 400
    assert "après la date de fin" in backwards.json()["detail"]
    assert client.get(f"{NATIVE}/stats?from=hier").status_code == 400
    empty = client.get(f"{NATIVE}/stats?from=2020-01-01&to=2020-12-31").json()
    assert (empty["totals"], empty["series"]) == (NO_USAGE, [])


def test_portal_and_instance_summary_show_only_what_the_visitor_may_read(
    client: TestClient, instance: Instance
) -> None:
    counter = client.app.state.usage  # type: ignore[attr-defined]
    for _ in range(3):
        counter.add(Ref("subventions"), Kind.DOWNLOAD, "csv")  # as if seen by the admin
    ok(client, f"{NATIVE}/exports/csv")
    ok(client, "/api/ogc/collections/arrets/items")
    counter.flush()
    summary = client.get("/api/v1/stats").json()
    assert [e["slug"] for e in summary["most_downloaded"]] == ["comptages"]
    assert [e["slug"] for e in summary["most_called"]] == ["arrets"]
    assert summary["totals"] == {"views": 0, "downloads": 1, "api_calls": 1}
    page = client.get("/statistiques").text
    assert "Comptages vélos et voitures" in page and "Arrêts de bus" in page
    assert "subventions" not in page.lower()
    informations = client.get(PAGE).text
    assert 'id="statistiques"' in informations
    assert "1 téléchargement(s)" in informations


def test_a_renamed_dataset_keeps_its_history(client: TestClient, instance: Instance) -> None:
    ok(client, f"{NATIVE}/records")
    client.app.state.usage.flush()  # type: ignore[attr-defined]
    rename_dataset(instance, ADMIN, "comptages", "comptages-velos")
    ok(client, "/api/v1/datasets/comptages-velos/records")
    assert totals(client, instance, "comptages-velos")["api_calls"] == 2


def test_counts_are_written_when_the_server_stops(instance: Instance, tmp_path: Path) -> None:
    populate_portal(instance, tmp_path)
    with TestClient(create_app(instance.settings, instance)) as client:
        ok(client, f"{NATIVE}/records")
    assert reports.dataset_usage(instance, ADMIN, "comptages")["totals"]["api_calls"] == 1


def test_an_instance_may_count_nothing(instance: Instance, tmp_path: Path) -> None:
    populate_portal(instance, tmp_path)
    settings = instance.settings.model_copy(update={"usage_statistics": False})
    with TestClient(create_app(settings, instance)) as client:
        ok(client, PAGE)
        ok(client, f"{NATIVE}/records")
        assert client.app.state.usage.flush() == 0  # type: ignore[attr-defined]
