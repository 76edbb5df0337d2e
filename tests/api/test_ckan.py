"""The CKAN Action API: CKAN's shapes and errors, the policy, and ckanapi as a real client."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ckanapi  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.types import ASGIApp

from socle.api.app import create_app
from socle.config import Settings
from socle.core.catalog import rename_dataset
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from tests.api.conftest import populate

API = "/api/3/action"
STATIONS = (
    "station;code_insee;places;taux;ouverte;mise_en_service\n"
    "S1;01053;12;0,5;true;2020-05-01\n"
    "S2;01053;8;0,25;false;2021-06-15\n"
    "S3;01289;20;1,75;true;2019-01-10\n"
)


def add_stations(instance: Instance, tmp_path: Path) -> None:
    """A second organization and public dataset, under ODbL, for filters and facets."""
    create_organization(instance, "ville", "Ville de Bourg")
    stations = tmp_path / "stations.csv"
    stations.write_text(STATIONS, encoding="utf-8")
    add_version(
        instance,
        ADMIN,
        stations,
        "stations-velos",
        organization="ville",
        metadata=parse_metadata(
            title="Stations de vélos en libre service",
            description="Les stations et leurs places.",
            access="public",
            keywords=["vélo électrique", "stationnement"],
            licence="odc-odbl",
        ),
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """One instance for the module: the tests only read it (a rename is undone)."""
    tmp_path = tmp_path_factory.mktemp("ckan")
    instance = open_instance(Settings(home=tmp_path / "home"))
    populate(instance, tmp_path)
    add_stations(instance, tmp_path)
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def ckan(site: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(site.settings, site)) as client:
        yield client


def ok(client: TestClient, action: str, **params: Any) -> Any:
    response = client.get(f"{API}/{action}", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["help"].endswith(f"/api/3/action/help_show?name={action}")
    return body["result"]


def failed(client: TestClient, action: str, status: int, **params: Any) -> dict[str, Any]:
    response = client.get(f"{API}/{action}", params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and "help" in body
    return body["error"]  # type: ignore[no-any-return]


def names(result: dict[str, Any]) -> list[str]:
    return [p["name"] for p in result["results"]]


# package_search -------------------------------------------------------------------------


def test_package_search_shape_and_facets(ckan: TestClient) -> None:
    fields = json.dumps(["organization", "tags", "res_format", "license_id", "groups"])
    result = ok(ckan, "package_search", **{"facet.field": fields})
    assert result["count"] == 2
    assert sorted(names(result)) == ["comptages", "stations-velos"]
    assert result["sort"] == "score desc, metadata_modified desc"
    assert result["facets"]["organization"] == {"agglo": 1, "ville": 1}
    assert result["facets"]["license_id"] == {"lov2": 1, "odc-odbl": 1}
    assert result["facets"]["res_format"]["CSV"] == 2
    assert result["facets"]["groups"] == {}
    organizations = result["search_facets"]["organization"]
    assert organizations["title"] == "organization"
    assert {"name": "ville", "display_name": "Ville de Bourg", "count": 1} in organizations["items"]
    licences = {
        i["name"]: i["display_name"] for i in result["search_facets"]["license_id"]["items"]
    }
    assert licences["odc-odbl"].startswith("Open Data Commons Open Database")


def test_facets_without_facet_field_are_empty(ckan: TestClient) -> None:
    result = ok(ckan, "package_search")
    assert result["facets"] == {} and result["search_facets"] == {}


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:agglo", ["comptages"]),
        ("tags:velo", ["comptages"]),  # case and accents ignored: « vélo »
        ('tags:"vélo électrique"', ["stations-velos"]),
        ("tags:velo*", ["comptages", "stations-velos"]),
        ("res_format:CSV license_id:odc-odbl", ["stations-velos"]),
        ("organization:agglo tags:velo res_format:CSV license_id:odc-odbl", []),
        ("-organization:agglo", ["stations-velos"]),
        ("organization:(agglo OR ville)", ["comptages", "stations-velos"]),
        (
            "(organization:agglo OR organization:ville) +dataset_type:dataset",
            [
                "comptages",
                "stations-velos",
            ],
        ),
        ("metadata_modified:[2000-01-01T00:00:00Z TO *]", ["comptages", "stations-velos"]),
        ("metadata_modified:[2100-01-01T00:00:00Z TO *]", []),
        ("metadata_created:[* TO NOW]", ["comptages", "stations-velos"]),
        ("num_tags:[2 TO *]", ["comptages", "stations-velos"]),
        ("title:stations", ["stations-velos"]),
        ("name:subventions", []),  # internal: never found
        ("*:*", ["comptages", "stations-velos"]),
        ("title:(stations OR comptages) -title:stations", ["comptages"]),
        ("velo NOT tags:velo*", []),
        ("(tags:mobilite OR res_format:CSV) -name:comptages", ["stations-velos"]),
    ],
)
def test_fq(ckan: TestClient, fq: str, expected: list[str]) -> None:
    result = ok(ckan, "package_search", fq=fq, sort="name asc")
    assert names(result) == expected
    assert result["count"] == len(expected)


def test_q_relevance_and_fields(ckan: TestClient) -> None:
    assert names(ok(ckan, "package_search", q="stations"))[0] == "stations-velos"
    assert names(ok(ckan, "package_search", q="vélo"))  # both mention it
    assert names(ok(ckan, "package_search", q="organization:ville")) == ["stations-velos"]
    # Text Solr cannot parse is searched as words, as CKAN's edismax does.
    assert ok(ckan, "package_search", q="comptages (")["count"] == 1
    assert ok(ckan, "package_search", q="subventions brouillon")["count"] == 0


def test_rows_start_sort(ckan: TestClient) -> None:
    assert names(ok(ckan, "package_search", sort="name desc")) == ["stations-velos", "comptages"]
    assert names(ok(ckan, "package_search", sort="name asc", rows=1, start=1)) == ["stations-velos"]
    assert ok(ckan, "package_search", rows=0)["results"] == []
    # CKAN lowers rows past its maximum to 1000 rather than refusing them.
    assert ok(ckan, "package_search", rows=5000)["count"] == 2
    modified = [
        p["metadata_modified"]
        for p in ok(ckan, "package_search", sort="metadata_modified desc")["results"]
    ]
    assert modified == sorted(modified, reverse=True)


def test_search_errors(ckan: TestClient) -> None:
    error = failed(ckan, "package_search", 409, rows="dix", start=-1)
    assert error["__type"] == "Validation Error"
    assert error["rows"] == ["Entier invalide"] and error["start"]
    error = failed(ckan, "package_search", 400, sort="name")
    assert error["__type"] == "Search Query Error" and "sort" in error["message"]
    error = failed(ckan, "package_search", 409, fq="tags:(velo")
    assert error["__type"] == "Search Error"
    error = failed(ckan, "package_search", 409, fq="secret_field:x")
    assert "champ inconnu" in error["message"]
    error = failed(ckan, "package_search", 409, **{"facet.field": "organization"})
    assert error["facet.field"] == ["JSON invalide"]
    assert failed(ckan, "package_search", 409, **{"facet.field": '["nope"]'})


# package_show, package_list, organizations, licences --------------------------------------


def test_package_show(ckan: TestClient, site: Instance) -> None:
    package = ok(ckan, "package_show", id="stations-velos")
    assert ok(ckan, "package_show", id=package["id"]) == package
    assert package["type"] == "dataset" and package["state"] == "active"
    assert package["private"] is False and package["isopen"] is True
    assert package["license_id"] == "odc-odbl" and package["license_url"]
    assert package["organization"]["name"] == "ville"
    assert package["owner_org"] == package["organization"]["id"]
    assert [t["name"] for t in package["tags"]] == ["vélo électrique", "stationnement"]
    assert package["num_tags"] == 2 and package["groups"] == []
    assert "T" in package["metadata_modified"] and "+" not in package["metadata_modified"]
    resources = package["resources"]
    assert package["num_resources"] == len(resources) == 4  # no geometry: no GeoJSON
    assert [r["format"] for r in resources] == ["CSV", "JSON", "Parquet", "XLSX"]
    csv = resources[0]
    assert csv["datastore_active"] is True
    assert not any(r["datastore_active"] for r in resources[1:])
    assert csv["mimetype"] == "text/csv" and csv["package_id"] == package["id"]
    assert csv["id"] == str(uuid.UUID(csv["id"]))
    download = ckan.get(csv["url"].removeprefix("http://testserver"))
    assert download.status_code == 200 and download.text.startswith("station,")
    # Resource ids derive from the dataset's stable id: a rename keeps them.
    rename_dataset(site, ADMIN, "stations-velos", "stations")
    try:
        renamed = ok(ckan, "package_show", id="stations")
    finally:
        rename_dataset(site, ADMIN, "stations", "stations-velos")
    assert [r["id"] for r in renamed["resources"]] == [r["id"] for r in resources]


def test_hidden_dataset_is_not_found_like_a_missing_one(ckan: TestClient) -> None:
    hidden = failed(ckan, "package_show", 404, id="subventions")
    missing = failed(ckan, "package_show", 404, id="n-existe-pas")
    assert hidden["__type"] == missing["__type"] == "Not Found Error"
    assert hidden["message"].replace("subventions", "X") == missing["message"].replace(
        "n-existe-pas", "X"
    )
    assert failed(ckan, "package_show", 409)["id"] == ["Valeur manquante"]


def test_lists(ckan: TestClient) -> None:
    assert ok(ckan, "package_list") == ["comptages", "stations-velos"]
    assert ok(ckan, "package_list", limit=1, offset=1) == ["stations-velos"]
    assert ok(ckan, "organization_list") == ["agglo", "ville"]
    assert ok(ckan, "organization_list", sort="name desc") == ["ville", "agglo"]
    full = ok(ckan, "organization_list", all_fields="true")
    agglo = full[0]
    assert agglo["name"] == "agglo" and agglo["is_organization"] is True
    assert agglo["package_count"] == 1  # the internal dataset is not counted
    assert failed(ckan, "organization_list", 409, sort="siren asc")["sort"]
    org = ok(ckan, "organization_show", id="agglo", include_datasets="true")
    assert org["package_count"] == 1 and [p["name"] for p in org["packages"]] == ["comptages"]
    assert {"key": "siren", "value": "200071751"} in org["extras"]
    assert ok(ckan, "organization_show", id=org["id"])["name"] == "agglo"
    assert failed(ckan, "organization_show", 404, id="nulle-part")["__type"] == "Not Found Error"
    licences = {lic["id"]: lic for lic in ok(ckan, "license_list")}
    assert licences["lov2"]["url"] and licences["lov2"]["od_conformance"] == "approved"
    status = ok(ckan, "status_show")
    assert "datastore" in status["extensions"] and status["ckan_version"].startswith("2.")
    assert "resource_id" in ok(ckan, "help_show", name="datastore_search")


# The envelope: methods, bodies, unknown actions -------------------------------------------


def test_post_json_body_and_forms(ckan: TestClient) -> None:
    body = {"fq": "organization:ville", "facet.field": ["tags"], "rows": 5}
    response = ckan.post(f"{API}/package_search", json=body)
    assert response.status_code == 200
    assert response.json()["result"]["facets"]["tags"] == {"stationnement": 1, "vélo électrique": 1}
    # Old CKAN clients post the JSON document as a form key.
    legacy = ckan.post(f"{API}/package_show", data={json.dumps({"id": "comptages"}): ""})
    assert legacy.json()["result"]["name"] == "comptages"
    # ckanapi's path, without the version.
    assert ckan.get("/api/action/package_list").json()["result"] == ["comptages", "stations-velos"]


def test_bad_requests_answer_like_ckan(ckan: TestClient) -> None:
    unknown = ckan.get(f"{API}/package_explode")
    assert unknown.status_code == 400
    assert isinstance(unknown.json(), str) and "package_explode" in unknown.json()
    for body in (b"{not json", b"[1, 2]"):
        response = ckan.post(
            f"{API}/package_search", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400 and isinstance(response.json(), str)
    write = ckan.post(f"{API}/package_create", json={"name": "x"})
    assert write.status_code == 403
    assert write.json()["error"]["__type"] == "Authorization Error"


# datastore_search ---------------------------------------------------------------------------


def stations_resource(client: TestClient) -> str:
    package = ok(client, "package_show", id="stations-velos")
    return next(r["id"] for r in package["resources"] if r["datastore_active"])  # type: ignore[no-any-return]


def test_datastore_search_shape(ckan: TestClient) -> None:
    resource = stations_resource(ckan)
    result = ok(ckan, "datastore_search", resource_id=resource)
    assert result["resource_id"] == resource
    assert result["total"] == 3 and result["total_was_estimated"] is False
    assert result["limit"] == 100 and result["offset"] == 0
    assert {f["id"]: f["type"] for f in result["fields"]} == {
        "station": "text",
        "code_insee": "text",
        "places": "int",
        "taux": "numeric",
        "ouverte": "bool",
        "mise_en_service": "date",
    }
    first = result["records"][0]
    assert first == {
        "station": "S1",
        "code_insee": "01053",
        "places": 12,
        "taux": 0.5,
        "ouverte": True,
        "mise_en_service": "2020-05-01",
    }
    links = result["_links"]
    assert links["start"].startswith("/api/3/action/datastore_search?")
    assert "offset=100" in links["next"]
    # Any resource of the dataset, or the dataset's own name, reaches the same rows.
    assert ok(ckan, "datastore_search", resource_id="stations-velos")["total"] == 3


def test_datastore_filters_q_sort_fields(ckan: TestClient) -> None:
    resource = stations_resource(ckan)

    def search(**params: Any) -> dict[str, Any]:
        return ok(ckan, "datastore_search", resource_id=resource, **params)  # type: ignore[no-any-return]

    by_code = search(filters=json.dumps({"code_insee": "01053"}), sort="places desc")
    assert [r["station"] for r in by_code["records"]] == ["S1", "S2"]
    assert by_code["total"] == 2 and by_code["filters"]
    listed = search(filters=json.dumps({"station": ["S1", "S3"], "ouverte": True}))
    assert [r["station"] for r in listed["records"]] == ["S1", "S3"]
    assert search(filters=json.dumps({"places": 20}))["total"] == 1
    assert search(q="S2")["total"] == 1
    assert search(q=json.dumps({"station": "s3"}))["records"][0]["station"] == "S3"
    narrow = search(fields="station,places", sort='"places" asc', limit=2, offset=1)
    assert narrow["records"] == [{"station": "S1", "places": 12}, {"station": "S3", "places": 20}]
    assert [f["id"] for f in narrow["fields"]] == ["station", "places"]
    assert narrow["total"] == 3 and "offset=3" in narrow["_links"]["next"]
    lists = search(records_format="lists", fields="station", limit=1)
    assert lists["records"] == [["S1"]]
    assert "total" not in search(include_total="false")
    assert search(distinct="true", fields="code_insee", sort="code_insee")["records"] == [
        {"code_insee": "01053"},
        {"code_insee": "01289"},
    ]
    # CKAN lowers a limit past its maximum to 32000.
    assert search(limit=50000)["limit"] == 32000


def test_datastore_post_and_policy(ckan: TestClient) -> None:
    resource = stations_resource(ckan)
    body = {"resource_id": resource, "filters": {"code_insee": "01289"}, "limit": 5}
    response = ckan.post(f"{API}/datastore_search", json=body)
    assert response.json()["result"]["records"][0]["station"] == "S3"
    assert failed(ckan, "datastore_search", 404, resource_id="subventions")["__type"] == (
        "Not Found Error"
    )
    assert failed(ckan, "datastore_search", 409)["resource_id"] == ["Valeur manquante"]


def test_datastore_errors(ckan: TestClient) -> None:
    resource = stations_resource(ckan)
    error = failed(
        ckan, "datastore_search", 409, resource_id=resource, filters='{"nope": 1}', sort="nope"
    )
    assert error["__type"] == "Validation Error"
    assert error["filters"] and error["sort"]
    assert failed(ckan, "datastore_search", 409, resource_id=resource, filters="[1]")["filters"]
    typed = failed(ckan, "datastore_search", 409, resource_id=resource, filters='{"places": "x"}')
    assert "nombre" in typed["filters"][0]
    assert failed(ckan, "datastore_search", 409, resource_id=resource, limit=-5)["limit"]


# Hostile input: CKAN-shaped errors, never a 500, never SQL -----------------------------------

HOSTILE = [
    ("package_search", {"fq": "name:x'; DROP TABLE datasets; --"}),
    ("package_search", {"q": "' OR 1=1 --"}),
    ("package_search", {"sort": "name asc; DROP TABLE datasets"}),
    ("package_search", {"fq": "(" * 200 + "a" + ")" * 200}),
    ("package_search", {"fq": "tags:" + "*a" * 50}),
    ("package_search", {"rows": "1e9999", "start": "[]"}),
    ("package_search", {"facet.field": '{"a": 1}', "facet.limit": "x"}),
    ("package_search", {"fq": "metadata_modified:[yesterday TO *]"}),
    ("package_search", {"fq": "num_tags:[1 TO abc]", "q": "x" * 5000}),
    ("package_show", {"id": "x\x00y"}),
    ("package_list", {"limit": "-1", "offset": "9" * 40}),
    ("organization_list", {"sort": "title sideways", "all_fields": "peut-être"}),
    (
        "datastore_search",
        {"resource_id": "stations-velos", "filters": "{\"station\": \"x' OR '1'='1\"}"},
    ),
    ("datastore_search", {"resource_id": "stations-velos", "filters": '{"station; DROP": 1}'}),
    ("datastore_search", {"resource_id": "stations-velos", "filters": '{"station": {"$gt": 1}}'}),
    ("datastore_search", {"resource_id": "stations-velos", "sort": "places desc; DROP TABLE x"}),
    ("datastore_search", {"resource_id": "stations-velos", "fields": "station`; --"}),
    ("datastore_search", {"resource_id": "stations-velos", "q": '{"station": 5}'}),
    ("datastore_search", {"resource_id": "stations-velos", "limit": "cent", "offset": "9" * 40}),
    ("datastore_search", {"resource_id": "' OR 1=1 --"}),
    ("datastore_search", {"resource_id": "stations-velos", "records_format": "csv"}),
]


@pytest.mark.parametrize(("action", "params"), HOSTILE)
def test_hostile_input_gets_ckan_errors(
    ckan: TestClient, action: str, params: dict[str, str]
) -> None:
    response = ckan.get(f"{API}/{action}", params=params)
    assert response.status_code in (200, 400, 404, 409), response.text
    body = response.json()
    if response.status_code == 200:
        # Values stay values: the injection-looking filter matches no row.
        if action == "datastore_search":
            assert body["result"]["records"] == []
        return
    assert body["success"] is False
    assert body["error"]["__type"] in (
        "Validation Error",
        "Search Error",
        "Search Query Error",
        "Not Found Error",
    )


@settings(max_examples=150, deadline=None)
@given(
    fq=st.text(alphabet=st.sampled_from('ab:*"()[]{}-+ \\~^/TOANDORNOT'), max_size=40),
    sort=st.text(max_size=20),
)
def test_fuzzed_search_never_fails_badly(ckan: TestClient, fq: str, sort: str) -> None:
    response = ckan.get(f"{API}/package_search", params={"fq": fq, "sort": sort})
    assert response.status_code in (200, 400, 409), response.text
    assert response.json()["success"] is (response.status_code == 200)


# ckanapi, the CKAN client library, against a running Socle -------------------------------------


@pytest.fixture
def remote(ckan: TestClient, live_server: Callable[[ASGIApp], str]) -> str:
    return live_server(ckan.app)


@pytest.mark.parametrize("get_only", [False, True])
def test_ckanapi_client(remote: str, get_only: bool) -> None:
    with ckanapi.RemoteCKAN(remote, get_only=get_only) as site:
        assert site.action.package_list() == ["comptages", "stations-velos"]
        found = site.action.package_search(
            fq="license_id:odc-odbl", rows=10, **{"facet.field": '["organization"]'}
        )
        assert found["count"] == 1 and found["facets"]["organization"] == {"ville": 1}
        package = site.action.package_show(id="stations-velos")
        resource = next(r for r in package["resources"] if r["datastore_active"])
        rows = site.action.datastore_search(
            resource_id=resource["id"],
            filters=json.dumps({"code_insee": "01053"}),
            sort="places desc",
        )
        assert [r["station"] for r in rows["records"]] == ["S1", "S2"]
        assert site.action.organization_list(all_fields=True)[1]["name"] == "ville"
        assert site.action.organization_show(id="ville")["package_count"] == 1
        assert site.action.license_list()
        with pytest.raises(ckanapi.NotFound):
            site.action.package_show(id="subventions")
        with pytest.raises(ckanapi.ValidationError) as invalid:
            site.action.package_search(rows="beaucoup")
        assert invalid.value.error_dict["rows"] == ["Entier invalide"]
        with pytest.raises(ckanapi.SearchQueryError):
            site.action.package_search(sort="title")
        with pytest.raises(ckanapi.SearchError):
            site.action.package_search(fq="tags:(velo")
        with pytest.raises(ckanapi.NotAuthorized):
            site.action.package_create(name="nouveau")
        with pytest.raises(ckanapi.CKANAPIError):
            site.action.no_such_action()
