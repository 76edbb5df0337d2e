"""The Opendatasoft Explore API v2.1 subset, through the ASGI app, as an anonymous caller.

Calls and answer shapes follow Opendatasoft's documentation of ``/api/explore/v2.1``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import Settings
from socle.instance import open_instance
from tests.api.test_ogc import populate_geo

API = "/api/explore/v2.1/catalog"
RECORDS = f"{API}/datasets/comptages/records"


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ods_error(client: TestClient, path: str, status: int, code: str, **params: Any) -> str:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "error_code"}
    assert body["error_code"] == code
    return str(body["message"])


# Catalog ------------------------------------------------------------------------------------


def test_catalog_lists_visible_datasets_in_ods_shape(client: TestClient) -> None:
    body = get(client, f"{API}/datasets")
    assert body["total_count"] == 1
    [dataset] = body["results"]
    assert dataset["dataset_id"] == "comptages"
    metas = dataset["metas"]["default"]
    assert metas["title"] == "Comptages vélos et voitures"
    assert metas["keyword"] == ["vélo", "mobilité"]
    assert metas["publisher"] == "Agglomération du Val"
    assert metas["license"].startswith("Licence Ouverte")
    assert metas["records_count"] == 4
    assert dataset["has_records"] is True
    assert "timeserie" in dataset["features"]
    fields = {f["name"]: f["type"] for f in dataset["fields"]}
    assert fields["code_insee"] == "text"
    assert fields["date_heure"] == "datetime"
    assert {"name", "label", "type"} <= set(dataset["fields"][0])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"where": "keyword = 'vélo'"}, 1),
        ({"where": "'vélo' in keyword"}, 1),
        ({"where": "keyword = 'ENVI'"}, 0),
        ({"where": "search(title, 'velos')"}, 1),
        ({"where": "records_count > 3 and publisher = 'Agglomération du Val'"}, 1),
        ({"where": "default.title like 'Comptages%'"}, 1),
        ({"where": "modified >= date'2000-01-01'"}, 1),
        ({"where": "'subventions'"}, 0),  # the internal dataset is never found
        # Text search reads the folded columns: case and accents ignored, aliases too.
        ({"where": "'VÉLOS' and 'agglomeration du val'"}, 1),
        ({"where": "search(default.title, 'VELOS')"}, 1),
        ({"where": "'comptages'", "offset": "1"}, 1),  # the total counts beyond the page
        ({"refine": "theme:Transports"}, 1),
        ({"refine": 'keyword:"mobilité"'}, 1),
        ({"exclude": "keyword:vélo"}, 0),
        ({"refine": "modified:1999"}, 0),
    ],
)
def test_catalog_where_refine_exclude(
    client: TestClient, params: dict[str, str], expected: int
) -> None:
    assert get(client, f"{API}/datasets", **params)["total_count"] == expected


def test_catalog_select_group_by_and_aggregates(client: TestClient) -> None:
    body = get(client, f"{API}/datasets", select="dataset_id, title, records_count")
    assert body["results"] == [
        {"dataset_id": "comptages", "title": "Comptages vélos et voitures", "records_count": 4}
    ]
    grouped = get(
        client, f"{API}/datasets", select="publisher, count(*) as n", group_by="publisher"
    )
    assert grouped["results"] == [{"publisher": "Agglomération du Val", "n": 1}]


def test_catalog_dataset_and_hidden_dataset(client: TestClient) -> None:
    body = get(client, f"{API}/datasets/comptages")
    assert body["dataset_id"] == "comptages"
    assert body["metas"]["default"]["theme"] == ["Transports"]
    hidden = ods_error(client, f"{API}/datasets/subventions", 404, "NotFound")
    missing = ods_error(client, f"{API}/datasets/absent", 404, "NotFound")
    assert hidden.replace("subventions", "x") == missing.replace("absent", "x")


def test_catalog_facets_count_only_visible_datasets(client: TestClient) -> None:
    body = get(client, f"{API}/facets")
    groups = {g["name"]: g["facets"] for g in body["facets"]}
    assert groups["theme"] == [
        {"name": "Transports", "count": 1, "state": "displayed", "value": "Transports"}
    ]
    assert "Économie et finances" not in str(groups)  # the internal dataset's theme
    refined = get(client, f"{API}/facets", facet="keyword", refine="keyword:vélo")
    [keyword] = refined["facets"]
    states = {f["value"]: f["state"] for f in keyword["facets"]}
    assert states == {"vélo": "refined", "mobilité": "displayed"}


# Records ------------------------------------------------------------------------------------


def test_records_flat_answer_with_default_limit(client: TestClient) -> None:
    body = get(client, RECORDS)
    assert body["total_count"] == 4
    assert set(body) == {"total_count", "results"}
    assert body["results"][0]["code_insee"] == "01053"
    assert "_id" not in body["results"][0]


def test_records_select_where_order_limit_offset(client: TestClient) -> None:
    body = get(
        client,
        RECORDS,
        select="commune, date_heure",
        where="commune = 'Péronnas'",
        order_by="date_heure desc",
        limit=1,
        offset=1,
    )
    assert body == {
        "total_count": 2,
        "results": [{"commune": "Péronnas", "date_heure": "2024-01-01T08:00:00"}],
    }


def test_records_group_by_with_aggregate(client: TestClient) -> None:
    body = get(client, RECORDS, select="mode, count(*) as n", group_by="mode", order_by="mode")
    assert body["results"] == [{"mode": "vélo", "n": 2}, {"mode": "voiture", "n": 2}]


@pytest.mark.parametrize(
    ("params", "communes"),
    [
        ({"refine": "mode:vélo"}, ["Bourg-en-Bresse", "Bourg-en-Bresse"]),
        ({"refine": ["mode:voiture", "date_heure:2024-01"]}, ["Péronnas", "Péronnas"]),
        ({"refine": "date_heure:2023"}, []),
        ({"exclude": "commune:Bourg-en-Bresse"}, ["Péronnas", "Péronnas"]),
        (
            {"refine": "code_insee:01053", "where": "date_heure > '2024-01-01T08:30:00'"},
            ["Bourg-en-Bresse"],
        ),
        ({"refine": "commune:l'Abergement"}, []),
    ],
)
def test_records_refine_and_exclude(
    client: TestClient, params: dict[str, Any], communes: list[str]
) -> None:
    body = get(client, RECORDS, select="commune", order_by="date_heure", **params)
    assert [r["commune"] for r in body["results"]] == communes


def test_records_lang_and_timezone_are_accepted_and_checked(client: TestClient) -> None:
    assert get(client, RECORDS, lang="fr", timezone="Europe/Paris")["total_count"] == 4
    ods_error(client, RECORDS, 400, "InvalidRESTParameterError", timezone="Mars/Olympus")
    ods_error(client, RECORDS, 400, "InvalidRESTParameterError", lang="français")


def test_record_by_id_is_the_content_hash(client: TestClient) -> None:
    body = get(client, RECORDS, include_links="true", order_by="date_heure", limit=1)
    [row] = body["results"]
    record_id = row["_id"]
    assert len(record_id) == 40
    assert row["_links"][0]["href"].endswith(f"/records/{record_id}")
    record = get(client, f"{RECORDS}/{record_id}")
    assert record["_id"] == record_id
    assert record["commune"] == "Bourg-en-Bresse"
    assert "_timestamp" in record
    ods_error(client, f"{RECORDS}/{'0' * 40}", 404, "NotFound")
    ods_error(client, f"{RECORDS}/not-an-id", 404, "NotFound")
    hidden = f"{API}/datasets/subventions/records/{record_id}"
    ods_error(client, hidden, 404, "NotFound")


# Facets and exports -------------------------------------------------------------------------


def test_dataset_facets(client: TestClient) -> None:
    body = get(client, f"{API}/datasets/comptages/facets", facet=["mode", "commune"])
    assert [g["name"] for g in body["facets"]] == ["mode", "commune"]
    mode = body["facets"][0]["facets"]
    assert {(f["value"], f["count"]) for f in mode} == {("vélo", 2), ("voiture", 2)}
    refined = get(client, f"{API}/datasets/comptages/facets", facet="commune", refine="mode:vélo")
    assert refined["facets"][0]["facets"] == [
        {"name": "Bourg-en-Bresse", "count": 2, "state": "displayed", "value": "Bourg-en-Bresse"}
    ]
    default = get(client, f"{API}/datasets/comptages/facets")
    assert "commune" in [g["name"] for g in default["facets"]]
    ods_error(
        client, f"{API}/datasets/comptages/facets", 400, "InvalidRESTParameterError", facet="x"
    )


def test_csv_export_semicolon_with_bom_by_default(client: TestClient) -> None:
    response = client.get(f"{API}/datasets/comptages/exports/csv", params={"refine": "mode:vélo"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["identifiant", "commune", "code_insee"]
    assert len(rows) == 3
    plain = client.get(
        f"{API}/datasets/comptages/exports/csv",
        params={"delimiter": ",", "with_bom": "false", "limit": 1},
    )
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    assert plain.content.decode().splitlines()[0].startswith("identifiant,commune")
    assert len(plain.content.decode().splitlines()) == 2


@pytest.mark.parametrize("fmt", ["json", "parquet", "xlsx"])
def test_other_exports(client: TestClient, fmt: str) -> None:
    response = client.get(f"{API}/datasets/comptages/exports/{fmt}")
    assert response.status_code == 200
    assert response.content


def test_geojson_export_without_geometry_is_an_ods_error(client: TestClient) -> None:
    ods_error(client, f"{API}/datasets/comptages/exports/geojson", 400, "InvalidRESTParameterError")


# Hostile input: always an ODS-shaped 400, never a 500 ---------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 101}, "InvalidRESTParameterError"),
        ({"limit": -2}, "InvalidRESTParameterError"),
        ({"limit": "dix"}, "InvalidRESTParameterError"),
        ({"offset": 9_901, "limit": 100}, "InvalidRESTParameterError"),
        ({"offset": 10_000}, "InvalidRESTParameterError"),
        ({"offset": -1}, "InvalidRESTParameterError"),
        ({"where": "commune = "}, "ODSQLError"),
        ({"where": "commune = 'x'; DROP TABLE datasets; --"}, "ODSQLError"),
        ({"where": "inconnu = 1"}, "ODSQLError"),
        ({"select": "commune, (SELECT 1)"}, "ODSQLError"),
        ({"select": "read_csv('/etc/passwd')"}, "ODSQLError"),
        ({"order_by": "commune; DELETE"}, "ODSQLError"),
        ({"group_by": "commune) --"}, "ODSQLError"),
        ({"select": "commune, count(*)", "group_by": "mode"}, "ODSQLError"),
        ({"refine": "inconnu:1"}, "InvalidRESTParameterError"),
        ({"refine": "sans-deux-points"}, "InvalidRESTParameterError"),
        ({"refine": "`commune`:x"}, "InvalidRESTParameterError"),
        ({"where": "(" * 100 + "commune = 'x'" + ")" * 100}, "QueryTimeoutOrTooComplex"),
    ],
)
def test_hostile_input_is_an_ods_400(client: TestClient, params: dict[str, Any], code: str) -> None:
    ods_error(client, RECORDS, 400, code, **params)


def test_last_full_page_is_allowed(client: TestClient) -> None:
    """ODS accepts offset + limit = 10 000 (offset=9900&limit=100) and refuses beyond."""
    assert get(client, RECORDS, offset=9_900, limit=100)["results"] == []


def test_injection_in_refine_value_stays_a_value(client: TestClient) -> None:
    body = get(client, RECORDS, refine="commune:x' or '1'='1")
    assert body["total_count"] == 0
    # Comparing two literals is valid ODSQL; both are bound values, never SQL.
    assert get(client, RECORDS, where="commune = 'x' or 1=1")["total_count"] == 4


# ODSQL as the documentation's examples write it ---------------------------------------------


@pytest.mark.parametrize(
    ("params", "results"),
    [
        (
            {"select": "count(*) as n", "group_by": "year(date_heure) as annee"},
            [{"annee": 2024, "n": 4}],
        ),
        (
            {"select": "count(*)", "group_by": "date_format(date_heure, 'yyyy-MM') as mois"},
            [{"mois": "2024-01", "count(*)": 4}],
        ),
        (
            {
                "select": "count(distinct commune) as communes",
                "where": "startswith(code_insee, '01')",
            },
            [{"communes": 2}],
        ),
        (
            {"select": "commune", "where": "hour(date_heure) in [9..9] and 'vélo' in mode"},
            [{"commune": "Bourg-en-Bresse"}],
        ),
        (
            {
                "select": "commune, count(*) as n",
                "group_by": "commune",
                "order_by": "count(*) desc, commune",
                "limit": 1,
            },
            [{"commune": "Bourg-en-Bresse", "n": 2}],
        ),
    ],
)
def test_odsql_examples(client: TestClient, params: dict[str, Any], results: list[Any]) -> None:
    assert get(client, RECORDS, **params)["results"] == results


def test_geo_functions_answer_a_clear_ods_error(client: TestClient) -> None:
    message = ods_error(
        client,
        RECORDS,
        400,
        "ODSQLError",
        where="within_distance(commune, geom'POINT(5.2 46.2)', 1km)",
    )
    assert "n'est pas un champ géographique" in message


# Geographic functions (Opendatasoft's documentation examples, on the OGC tests' stops) -------

GEO_RECORDS = f"{API}/datasets/arrets/records"
DEPOT_CENTRE = '{"type": "Point", "coordinates": [7.5, 44.5]}'  # GeoJSON works as WKT does
NORTH_EAST = "POLYGON((4 45.5, 7 45.5, 7 47.5, 4 47.5, 4 45.5))"


@pytest.fixture(scope="module")
def geo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home = tmp_path_factory.mktemp("ods-geo")
    instance = open_instance(Settings(home=home / "home"))
    populate_geo(instance, home)
    with TestClient(create_app(instance.settings, instance)) as client:
        yield client
    instance.close()


def stops(client: TestClient, path: str = GEO_RECORDS, **params: Any) -> list[str]:
    body = get(client, path, select="nom", order_by="nom", limit=100, **params)
    assert body["total_count"] == len(body["results"])
    return [r["nom"] for r in body["results"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("within_distance(geometry, GEOM'POINT(5 46)', 1km)", ["Gare"]),
        ("within_distance(geometry, geom'POINT(5 46)', 60km)", ["Gare"]),
        ("within_distance(geometry, geom'POINT(5 46)', 70km)", ["Gare", "Mairie"]),  # 67.6 km
        ("within_distance(geometry, geom'POINT(5 46)', 50mi)", ["Gare", "Mairie"]),
        ("within_distance(geometry, geom'POINT(4.1 45.0)', 10km)", ["Tronçon"]),
        (f"within_distance(geometry, geom'{DEPOT_CENTRE}', 10m)", ["Dépôt"]),
        ("in_bbox(geometry, 46.5, 5.5, 44, 8)", ["Dépôt", "Mairie"]),  # Mairie on the corner
        ("in_bbox(geometry, 0, 179, 1, 180)", ["Île"]),
        ("intersects(geometry, GEOM'POLYGON((4.05 45,4.15 45,4.15 45.2,4.05 45))')", ["Tronçon"]),
        ("intersects(geometry, geom'POLYGON((4.1 45,4.3 45,4.3 45.1,4.1 45))')", []),
        (f"within(geometry, geom'{NORTH_EAST}')", ["Gare", "Mairie", "Stade"]),
        (f"disjoint(geometry, geom'{NORTH_EAST}')", ["Dépôt", "Île", "Tronçon"]),
        ("in_bbox(geometry, 45, 4, 47, 6) and ligne = 'A'", ["Gare", "Stade"]),
    ],
)  # fmt: skip
def test_geo_functions_in_ods_records(
    geo_client: TestClient, where: str, expected: list[str]
) -> None:
    assert stops(geo_client, where=where) == expected


def test_geo_functions_answer_alike_in_every_records_api(geo_client: TestClient) -> None:
    where = "within_distance(geometry, geom'POINT(5 46)', 70km)"
    native = get(geo_client, "/api/v1/datasets/arrets/records", where=where, select="nom")
    assert [r["nom"] for r in native["results"]] == ["Gare", "Mairie"]
    exported = geo_client.get(f"{API}/datasets/arrets/exports/geojson", params={"where": where})
    assert exported.status_code == 200, exported.text
    names = [f["properties"]["nom"] for f in exported.json()["features"]]
    assert names == ["Gare", "Mairie"]
    counted = get(geo_client, GEO_RECORDS, where=where, select="count(*) as n")
    assert counted["results"] == [{"n": 2}]


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("within_distance(geometry, geom'POINT(5 46', 1km)", "illisible"),
        ("within_distance(geometry, geom'POINT(46 95)', 1km)", "hors limites"),
        ("within_distance(geometry, geom'POINT(5 46)', 1 lieue)", "inattendu"),
        ("within_distance(nom, geom'POINT(5 46)', 1km)", "pas un champ géographique"),
        ("in_bbox(geometry, 'nord', 5, 47, 6)", "Coordonnée numérique"),
        ("in_bbox(geometry, 46, 5)", "s'écrit in_bbox"),
        ("intersects(geometry, geom'POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))')", "invalide"),
        ("intersects(geometry, 12)", "Géométrie attendue"),
    ],
)  # fmt: skip
def test_geo_misuse_is_an_odsql_error(geo_client: TestClient, where: str, words: str) -> None:
    assert words in ods_error(geo_client, GEO_RECORDS, 400, "ODSQLError", where=where)


def test_huge_geometries_are_refused_before_parsing(geo_client: TestClient) -> None:
    ring = ", ".join(f"{i % 90}.5 {i % 45}.25" for i in range(800))
    where = f"intersects(geometry, geom'POLYGON(({ring}))')"
    message = ods_error(geo_client, GEO_RECORDS, 400, "InvalidRESTParameterError", where=where)
    assert "where" in message


def test_geo_filters_go_through_the_policy(geo_client: TestClient) -> None:
    where = "within_distance(geometry, geom'POINT(5.3 46.3)', 1km)"
    ods_error(geo_client, f"{API}/datasets/reseau-prive/records", 404, "NotFound", where=where)
    response = geo_client.get("/api/v1/datasets/reseau-prive/records", params={"where": where})
    assert response.status_code == 404
