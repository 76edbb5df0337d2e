"""The /api/v1 datasets routes, through the ASGI app, as an anonymous caller."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pyarrow.parquet as pq
from fastapi.testclient import TestClient

from socle.core.catalog import get_entry
from socle.core.versions import derived_dir, rollback
from socle.governance.policy import ADMIN
from socle.instance import Instance

PROBLEM = "application/problem+json"


def test_search_lists_only_public_datasets_and_counts_only_them(client: TestClient) -> None:
    body = client.get("/api/v1/datasets").json()
    assert body["total_count"] == 1
    assert [d["slug"] for d in body["results"]] == ["comptages"]
    themes = {f["value"]: f["count"] for f in body["facets"]["theme"]}
    assert themes == {"TRAN": 1}  # the internal ECON dataset is not counted
    assert body["facets"]["organization"][0]["count"] == 1


def test_search_is_accent_insensitive_and_filters_by_facet(client: TestClient) -> None:
    assert client.get("/api/v1/datasets", params={"q": "velo"}).json()["total_count"] == 1
    assert client.get("/api/v1/datasets", params={"q": "subventions"}).json()["total_count"] == 0
    assert client.get("/api/v1/datasets", params={"theme": "ENVI"}).json()["total_count"] == 0
    assert client.get("/api/v1/datasets", params={"theme": "TRAN"}).json()["total_count"] == 1


def test_schema_geo_and_frequency_facets(client: TestClient) -> None:
    facets = client.get("/api/v1/datasets").json()["facets"]
    # Only the public dataset's schema: the internal one's pin is not counted.
    assert [(f["value"], f["label"], f["count"]) for f in facets["schema"]] == [
        ("comptages-horaires@1.0.0", "Comptages horaires", 1)
    ]
    assert [(f["value"], f["count"]) for f in facets["geo"]] == [("non", 1)]
    assert facets["frequency"] == []
    for params, expected in (
        ({"schema": "comptages-horaires@1.0.0"}, 1),
        ({"schema": "aides@2"}, 0),
        ({"geo": "non"}, 1),
        ({"geo": "oui"}, 0),
        ({"frequency": "DAILY"}, 0),
    ):
        assert client.get("/api/v1/datasets", params=params).json()["total_count"] == expected
    assert client.get("/api/v1/datasets", params={"geo": "peut-etre"}).status_code == 400


def test_dataset_metadata_schema_and_links(client: TestClient) -> None:
    body = client.get("/api/v1/datasets/comptages").json()
    assert body["title"] == "Comptages vélos et voitures"
    assert body["organization"]["slug"] == "agglo"
    assert body["access"] == "public"
    fields = {f["name"]: f["type"] for f in body["schema"]["fields"]}
    assert fields["code_insee"] == "string"
    assert body["latest"]["number"] == 1
    assert body["links"]["records"].endswith("/api/v1/datasets/comptages/records")


def test_internal_dataset_is_hidden_as_not_found(client: TestClient) -> None:
    for path in (
        "/api/v1/datasets/subventions",
        "/api/v1/datasets/subventions/versions",
        "/api/v1/datasets/subventions/versions/1",
        "/api/v1/datasets/subventions/records",
        "/api/v1/datasets/subventions/exports/csv",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith(PROBLEM)
        missing = client.get(path.replace("subventions", "absent")).json()
        body = response.json()
        assert {k: body[k] for k in ("type", "title", "status")} == {
            k: missing[k] for k in ("type", "title", "status")
        }


def test_problem_json_shape(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/inconnu")
    assert response.status_code == 404
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == 404
    assert "inconnu" in body["detail"]


def test_versions_listing(client: TestClient) -> None:
    body = client.get("/api/v1/datasets/comptages/versions").json()
    assert body["total_count"] == 1
    version = client.get("/api/v1/datasets/comptages/versions/1").json()
    assert version["row_count"] == 4
    assert len(version["checksums"]["raw_sha256"]) == 64
    assert client.get("/api/v1/datasets/comptages/versions/9").status_code == 404


def test_records_filter_sort_and_total(client: TestClient) -> None:
    response = client.get(
        "/api/v1/datasets/comptages/records",
        params={"where": "mode = 'vélo'", "order_by": "date_heure desc", "limit": 1},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total_count"] == 2
    assert len(body["results"]) == 1
    assert body["results"][0]["code_insee"] == "01053"


def test_records_aggregation(client: TestClient) -> None:
    body = client.get(
        "/api/v1/datasets/comptages/records",
        params={"select": "mode, count(*) as n", "group_by": "mode", "order_by": "mode"},
    ).json()
    assert body["results"] == [{"mode": "vélo", "n": 2}, {"mode": "voiture", "n": 2}]


def test_query_syntax_error_points_at_position(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/comptages/records", params={"where": "mode = = 'x'"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["parameter"] == "where"
    assert isinstance(body["position"], int)


def test_records_limits_are_enforced(client: TestClient) -> None:
    assert client.get("/api/v1/datasets/comptages/records?limit=101").status_code == 400
    assert client.get("/api/v1/datasets/comptages/records?offset=10001").status_code == 400
    hostile = "mode = 'x' or " * 2000
    response = client.get("/api/v1/datasets/comptages/records", params={"where": hostile})
    assert response.status_code in (400, 413)
    assert response.headers["content-type"].startswith(PROBLEM)


def test_csv_export_neutralises_formulas_and_supports_semicolon(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/comptages/exports/csv", params={"delimiter": ";"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")), delimiter=";"))
    assert rows[0][0] == "identifiant"
    assert len(rows) == 5
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_json_and_parquet_exports(client: TestClient) -> None:
    data = json.loads(client.get("/api/v1/datasets/comptages/exports/json").content)
    assert len(data) == 4
    assert data[0]["commune"] == "Bourg-en-Bresse"
    parquet = client.get("/api/v1/datasets/comptages/exports/parquet").content
    assert pq.read_table(io.BytesIO(parquet)).num_rows == 4


def test_whole_export_is_written_once_and_described(client: TestClient, instance: Instance) -> None:
    url = "/api/v1/datasets/comptages/exports/csv"
    first, second = client.get(url), client.get(url)
    assert first.content == second.content
    digest = hashlib.sha256(first.content).hexdigest()
    assert second.headers["etag"] == f'"{digest}"'
    assert int(second.headers["content-length"]) == len(first.content)
    folder = derived_dir(instance, get_entry(instance, ADMIN, "comptages").latest, "exports")
    assert sorted(p.name for p in folder.iterdir()) == ["csv", "csv.json"]
    # With a BOM the bytes are not the stored ones: a length, but no digest of them.
    bom = client.get(url, params={"with_bom": "true"})
    assert bom.content == b"\xef\xbb\xbf" + first.content
    assert "etag" not in bom.headers
    # Other delimiters are kept apart; filtered exports are never stored.
    assert client.get(url, params={"delimiter": ";"}).content != first.content
    filtered = client.get(url, params={"where": "mode = 'vélo'"})
    assert "etag" not in filtered.headers
    assert len(filtered.content) < len(first.content)
    assert sorted(p.name for p in folder.iterdir()) == ["csv", "csv-59", "csv-59.json", "csv.json"]


def test_rollback_does_not_copy_stored_exports(client: TestClient, instance: Instance) -> None:
    client.get("/api/v1/datasets/comptages/exports/parquet")
    restored = rollback(instance, ADMIN, "comptages", 1)
    assert not derived_dir(instance, restored, "exports").exists()
    parquet = client.get("/api/v1/datasets/comptages/exports/parquet").content
    assert pq.read_table(io.BytesIO(parquet)).num_rows == 4


def test_geojson_export_of_a_table_without_geometry_is_a_clear_error(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/comptages/exports/geojson")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)


def test_organizations(client: TestClient) -> None:
    body = client.get("/api/v1/organizations").json()
    assert body["results"][0]["slug"] == "agglo"
    assert body["results"][0]["dataset_count"] == 1
    assert client.get("/api/v1/organizations/agglo").json()["siren"] == "200071751"
    assert client.get("/api/v1/organizations/nope").status_code == 404


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/datasets/{slug}/records" in paths
    assert "/api/v1/datasets/{slug}/exports/{fmt}" in paths
