"""OGC API Features at /api/ogc: through the ASGI app, then with OWSLib on a live server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from owslib.ogcapi.features import Features
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.config import Settings
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version, derived_dir, get_version
from socle.engine.geo import bounds_path
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from tests.api.conftest import populate
from tests.api.test_access_matrix import GEO_ONLY, fill, get_routes

ROOT = "/api/ogc"
ITEMS = f"{ROOT}/collections/arrets/items"
ARRETS = [  # (geometry, name, line, accessible, seats, opening day); ids follow this order
    ({"type": "Point", "coordinates": [5.0, 46.0]}, "Gare", "A", True, 4, "2020-05-01"),
    ({"type": "Point", "coordinates": [5.5, 46.5]}, "Mairie", "B", False, 0, "2021-06-15"),
    ({"type": "Point", "coordinates": [6.0, 47.0]}, "Stade", "A", True, 2, "2022-01-10"),
    (
        {"type": "LineString", "coordinates": [[4.0, 45.0], [4.2, 45.2]]},
        "Tronçon",
        "B",
        False,
        0,
        "2023-03-03",
    ),
    (
        {"type": "Polygon", "coordinates": [[[7, 44], [8, 44], [8, 45], [7, 45], [7, 44]]]},
        "Dépôt",
        "B",
        True,
        9,
        "2023-09-09",
    ),
    ({"type": "Point", "coordinates": [179.5, 0.5]}, "Île", "A", False, 1, "2024-02-02"),
    (None, "Sans lieu", "A", True, 3, "2024-12-31"),
]
SENSORS = ["2024-01-01T08:00:00", "2024-01-01T23:30:00", "2024-01-02T00:00:00"]


def write_features(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def feature(geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def add(instance: Instance, path: Path, slug: str, title: str, access: str | None) -> None:
    metadata = parse_metadata(title=title, access=access) if access else parse_metadata(title=title)
    add_version(instance, ADMIN, path, slug, organization="agglo", metadata=metadata)


def populate_geo(instance: Instance, tmp_path: Path) -> None:
    """The API fixture's datasets plus public and internal geographic ones."""
    populate(instance, tmp_path)
    stops = [
        feature(g, nom=n, ligne=line, accessible=a, places=p, mise_en_service=d)
        for g, n, line, a, p, d in ARRETS
    ]
    add(instance, write_features(tmp_path / "arrets.geojson", stops), "arrets", "Arrêts", "public")
    sensors = [
        feature({"type": "Point", "coordinates": [5.2, 46.2]}, capteur=f"S{i}", releve=t)
        for i, t in enumerate(SENSORS, 1)
    ]
    path = write_features(tmp_path / "capteurs.geojson", sensors)
    add(instance, path, "capteurs", "Capteurs", "public")
    terminals = [feature({"type": "Point", "coordinates": [5.1, 46.1]}, borne="B1")]
    path = write_features(tmp_path / "bornes.geojson", terminals)
    add(instance, path, "bornes", "Bornes", "public")
    hidden = [feature({"type": "Point", "coordinates": [5.3, 46.3]}, nom="Local technique")]
    path = write_features(tmp_path / "reseau.geojson", hidden)
    add(instance, path, "reseau-prive", "Réseau confidentiel", None)  # internal by default


@pytest.fixture(scope="module")
def geo_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """One instance for the module: every test here only reads."""
    home = tmp_path_factory.mktemp("ogc")
    instance = open_instance(Settings(home=home / "home"))
    populate_geo(instance, home)
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def geo(geo_instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(geo_instance.settings, geo_instance)) as client:
        yield client


def names(client: TestClient, url: str = ITEMS, **params: Any) -> list[str]:
    response = client.get(url, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [
        f["properties"].get("nom") or f["properties"].get("capteur")
        for f in response.json()["features"]
    ]


def problem(client: TestClient, url: str, status: int = 400) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["detail"])


# Documents --------------------------------------------------------------------------------


def test_landing_page_and_conformance(geo: TestClient) -> None:
    landing = geo.get(ROOT)
    assert landing.headers["content-type"] == "application/json"
    rels = {link["rel"]: link["href"] for link in landing.json()["links"]}
    assert set(rels) >= {"self", "service-desc", "service-doc", "conformance", "data"}
    assert rels["data"] == f"http://testserver{ROOT}/collections"
    classes = geo.get(rels["conformance"]).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    assert geo.get(ROOT, params={"f": "json"}).status_code == 200
    assert geo.get(ROOT, params={"f": "html"}).status_code == 400


def test_collections_are_the_visible_geographic_datasets(geo: TestClient) -> None:
    body = geo.get(f"{ROOT}/collections").json()
    assert [c["id"] for c in body["collections"]] == ["arrets", "bornes", "capteurs"]
    text = json.dumps(body, ensure_ascii=False)
    assert "reseau-prive" not in text and "confidentiel" not in text
    stops = body["collections"][0]
    assert stops["title"] == "Arrêts" and stops["itemType"] == "feature"
    assert stops["extent"]["spatial"]["bbox"] == [[4.0, 0.5, 179.5, 47.0]]
    assert stops["extent"]["temporal"]["interval"] == [
        ["2020-05-01T00:00:00Z", "2024-12-31T23:59:59Z"]
    ]
    items = next(link for link in stops["links"] if link["rel"] == "items")
    assert items == {
        "href": f"http://testserver{ITEMS}",
        "rel": "items",
        "type": "application/geo+json",
        "title": "Les entités",
    }
    single = geo.get(f"{ROOT}/collections/capteurs").json()
    assert single["extent"]["temporal"]["interval"] == [
        ["2024-01-01T08:00:00Z", "2024-01-02T00:00:00Z"]
    ]
    assert "temporal" not in geo.get(f"{ROOT}/collections/bornes").json()["extent"]


def test_service_description_is_openapi_3_0_for_the_caller(geo: TestClient) -> None:
    response = geo.get(f"{ROOT}/api")
    assert response.headers["content-type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.0")
    parameters = document["paths"]["/collections/arrets/items"]["get"]["parameters"]
    assert {"name": "places", "in": "query", "required": False}.items() <= next(
        p for p in parameters if p.get("name") == "places"
    ).items()
    assert not any("reseau-prive" in path for path in document["paths"])


def test_queryables_describe_the_property_filters(geo: TestClient) -> None:
    response = geo.get(f"{ROOT}/collections/arrets/queryables")
    assert response.headers["content-type"] == "application/schema+json"
    properties = response.json()["properties"]
    assert properties["places"]["type"] == "integer"
    assert properties["mise_en_service"] == {
        "title": "mise_en_service",
        "type": "string",
        "format": "date",
    }
    assert "$ref" in properties["geometry"]


# Items ------------------------------------------------------------------------------------


def test_items_are_a_geojson_feature_collection(geo: TestClient) -> None:
    response = geo.get(ITEMS)
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == body["numberReturned"] == len(ARRETS)
    assert body["timeStamp"].endswith("Z")
    first = body["features"][0]
    assert first == {
        "type": "Feature",
        "id": 1,
        "geometry": {"type": "Point", "coordinates": [5.0, 46.0]},
        "properties": {
            "nom": "Gare",
            "ligne": "A",
            "accessible": True,
            "places": 4,
            "mise_en_service": "2020-05-01",
        },
    }
    assert body["features"][-1]["geometry"] is None
    sensor = geo.get(f"{ROOT}/collections/capteurs/items").json()["features"][0]
    assert sensor["properties"]["releve"] == "2024-01-01T08:00:00"


def test_paging_follows_next_and_prev_links(geo: TestClient) -> None:
    url: str | None = f"{ITEMS}?limit=3"
    seen: list[int] = []
    pages = []
    while url:
        body = geo.get(url).json()
        assert body["numberMatched"] == len(ARRETS)
        seen += [f["id"] for f in body["features"]]
        links = {link["rel"]: link["href"] for link in body["links"]}
        pages.append(links)
        url = links.get("next")
    assert seen == list(range(1, len(ARRETS) + 1))
    assert len(pages) == 3
    assert "prev" not in pages[0]
    assert pages[1]["prev"].endswith("offset=0&limit=3")
    assert pages[1]["self"] == f"http://testserver{ITEMS}?offset=3&limit=3"
    assert all(p["collection"] == f"http://testserver{ROOT}/collections/arrets" for p in pages)
    body = geo.get(ITEMS, params={"offset": 5, "limit": 50_000}).json()
    assert body["numberReturned"] == 2
    prev = next(link["href"] for link in body["links"] if link["rel"] == "prev")
    assert "limit=10000" in prev  # a limit over the maximum is clamped, not refused
    assert geo.get(ITEMS, params={"offset": 99}).json()["features"] == []


def test_bbox_keeps_features_whose_box_intersects(geo: TestClient) -> None:
    assert names(geo, bbox="4.9,45.9,5.1,46.1") == ["Gare"]
    assert names(geo, bbox="4.1,45.1,4.15,45.15") == ["Tronçon"]  # inside the line's box
    assert names(geo, bbox="7.4,44.4,7.6,44.6") == ["Dépôt"]  # inside the polygon
    assert names(geo, bbox="5.5,46.5,6,47") == ["Mairie", "Stade"]  # edges count
    assert names(geo, bbox="170,0,-170,1") == ["Île"]  # across the antimeridian
    assert names(geo, bbox="4.9,45.9,0,5.1,46.1,100") == ["Gare"]  # heights ignored
    body = geo.get(ITEMS, params={"bbox": "4,45,6,47", "limit": 1}).json()
    assert body["numberMatched"] == 4 and body["numberReturned"] == 1


def test_datetime_on_a_date_field(geo: TestClient) -> None:
    assert names(geo, datetime="2021-06-15") == ["Mairie"]
    assert names(geo, datetime="2021-06-15T10:00:00Z") == ["Mairie"]
    assert names(geo, datetime="2021-01-01/2022-12-31") == ["Mairie", "Stade"]
    assert names(geo, datetime="../2020-12-31") == ["Gare"]
    assert names(geo, datetime="2024-06-01/..") == ["Sans lieu"]
    assert names(geo, datetime="2024-06-01/") == ["Sans lieu"]


def test_datetime_on_a_datetime_field(geo: TestClient) -> None:
    url = f"{ROOT}/collections/capteurs/items"
    assert names(geo, url, datetime="2024-01-01") == ["S1", "S2"]
    assert names(geo, url, datetime="2024-01-01T08:00:00Z") == ["S1"]
    assert names(geo, url, datetime="2024-01-01T09:00:00+01:00") == ["S1"]
    assert names(geo, url, datetime="2024-01-01T09:00:00Z/..") == ["S2", "S3"]
    assert names(geo, url, datetime="../2024-01-01") == ["S1", "S2"]


def test_property_filters(geo: TestClient) -> None:
    assert names(geo, ligne="A", accessible="true") == ["Gare", "Stade", "Sans lieu"]
    assert names(geo, places="0") == ["Mairie", "Tronçon"]
    assert names(geo, nom="Tronçon", bbox="4,45,5,46") == ["Tronçon"]
    assert names(geo, mise_en_service="2022-01-10") == ["Stade"]
    assert names(geo, ligne="Z") == []


def test_one_feature_by_id(geo: TestClient) -> None:
    response = geo.get(f"{ITEMS}/3")
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["id"] == 3 and body["properties"]["nom"] == "Stade"
    assert {link["rel"] for link in body["links"]} == {"self", "collection"}
    for missing in ("0", "8", "abc", "-1", "²", "99999999999999999999"):
        assert "introuvable" in problem(geo, f"{ITEMS}/{missing}", 404)


def test_ids_are_row_numbers_of_the_version(geo: TestClient, geo_instance: Instance) -> None:
    instance = geo_instance
    version = get_version(instance, ADMIN, "arrets")
    table = pq.read_table(instance.lake.path(version.lake_key) / "data.parquet")
    features = geo.get(ITEMS, params={"bbox": "-180,-90,180,90"}).json()["features"]
    located = [
        n
        for n, g in zip(
            table.column("nom").to_pylist(), table.column("geometry").to_pylist(), strict=True
        )
        if g
    ]
    assert [f["properties"]["nom"] for f in features] == located
    assert [f["id"] for f in features] == [i + 1 for i, stop in enumerate(ARRETS) if stop[0]]
    bounds = bounds_path(derived_dir(instance, version, "features"), "geometry")
    assert pq.read_metadata(bounds).num_rows == version.row_count


# Errors and policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("bbox=1,2,3", "4 nombres"),
        ("bbox=a,b,c,d", "nombres"),
        ("bbox=1,50,2,40", "latitude sud"),
        ("bbox=1,2,200,3", "longitudes"),
        ("limit=0", "au moins 1"),
        ("limit=dix", "nombre entier"),
        ("offset=-1", "au moins 0"),
        ("offset=99999999999999999999", "au plus"),
        ("datetime=2024-13-01", "n'est pas une date"),
        ("datetime=2024-02-01/2024-01-01", "se termine avant"),
        ("datetime=../..", "au moins une borne"),
        ("datetime=..", "intervalle"),
        ("places=beaucoup", "pas un nombre entier"),
        ("accessible=peut-être", "booléen"),
        ("couleur=rouge", "Paramètre inconnu « couleur »"),
    ],
)
def test_bad_parameters_answer_400_in_french(geo: TestClient, query: str, words: str) -> None:
    assert words in problem(geo, f"{ITEMS}?{query}")


def test_datetime_needs_a_date_field(geo: TestClient) -> None:
    assert "pas de champ date" in problem(
        geo, f"{ROOT}/collections/bornes/items?datetime=2024-01-01"
    )


@pytest.mark.parametrize("slug", ["inconnu", "reseau-prive", "comptages", "subventions"])
def test_missing_hidden_or_non_geographic_collections_are_not_found(
    geo: TestClient, slug: str
) -> None:
    for path in ("", "/items", "/items/1", "/queryables"):
        assert "introuvable" in problem(geo, f"{ROOT}/collections/{slug}{path}", 404)


def test_every_collection_route_hides_internal_geographic_datasets(geo: TestClient) -> None:
    """The access matrix's check, on the routes that serve geographic datasets only."""
    routes = [p for p in get_routes(geo) if p.startswith(GEO_ONLY)]
    assert len(routes) == 4
    for path in routes:
        assert geo.get(fill(path, "reseau-prive").replace("agglo", "1")).status_code == 404
        public = geo.get(fill(path, "arrets").replace("agglo", "1"))
        assert public.status_code == 200, path


# A real client ----------------------------------------------------------------------------


def test_owslib_reads_the_service(
    live_server: Callable[[ASGIApp], str], geo_instance: Instance
) -> None:
    base = live_server(create_app(geo_instance.settings, geo_instance))
    service = Features(f"{base}{ROOT}")
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
        in (service.conformance()["conformsTo"])
    )
    assert service.feature_collections() == ["arrets", "bornes", "capteurs"]
    assert service.collection("arrets")["extent"]["spatial"]["bbox"] == [[4.0, 0.5, 179.5, 47.0]]
    assert service.collection_queryables("arrets")["properties"]["places"]["type"] == "integer"
    page = service.collection_items("arrets", bbox=[4, 45, 6, 47], limit=2)
    assert page["numberMatched"] == 4
    assert [f["properties"]["nom"] for f in page["features"]] == ["Gare", "Mairie"]
    later = service.collection_items("arrets", bbox=[4, 45, 6, 47], limit=2, offset=2)
    assert [f["id"] for f in later["features"]] == [3, 4]
    dated = service.collection_items("arrets", datetime_="2021-01-01/2022-12-31")
    assert [f["properties"]["nom"] for f in dated["features"]] == ["Mairie", "Stade"]
    assert service.collection_item("arrets", "2")["properties"]["nom"] == "Mairie"
    assert "/collections/arrets/items" in service.api()["paths"]
