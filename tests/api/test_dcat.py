"""The DCAT-AP feed: valid against the official shapes, one graph in three syntaxes, policy-bound,
stable identifiers, Hydra paging."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyshacl import validate  # type: ignore[import-untyped]
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF
from sqlalchemy import update

from socle.api.app import create_app
from socle.api.routes.dcat import negotiate
from socle.core import dcat
from socle.core.catalog import get_entry, rename_dataset
from socle.core.features import prepare_extents
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.demo.load import load_demo
from socle.governance.policy import ADMIN
from socle.ingest.dcat_catalog import read_catalog
from socle.instance import Instance
from socle.storage.tables import Dataset, Version
from tests.conftest import need_shared_data

# rdflib's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SH = Namespace("http://www.w3.org/ns/shacl#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SYNTAXES = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
SHAPES = {
    "3.0.1": ("dcat-ap-SHACL.ttl", "ranges.ttl"),
    "2.1.1": (
        "dcat-ap_2.1.1_shacl_shapes.ttl",
        "dcat-ap_2.1.1_shacl_range.ttl",
        "dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl",
        "dcat-ap_2.1.1_shacl_shapes_recommended.ttl",
        "dcat-ap_2.1.1_shacl_deprecateduris.ttl",
    ),
}
FIXTURES = Path("dcat-ap") / "udata-harvest-fixtures"


@cache
def shapes(release: str) -> Graph:
    """The release's SHACL files, local only (their owl:imports are never followed).

    3.0.1 ships sh:property links to shapes it never defines (five in ranges.ttl, two in
    dcat-ap-SHACL.ttl that only ranges.ttl defines); pyshacl refuses them, and they
    constrain nothing, so they are dropped.
    """
    graph = Graph()
    for name in SHAPES[release]:
        graph.parse(need_shared_data() / "dcat-ap" / release / name, format="turtle")
    for shape, ref in list(graph.subject_objects(SH.property)):
        if graph.value(ref, SH.path) is None:
            graph.remove((shape, SH.property, ref))
    return graph


def violations(data: Graph, release: str) -> list[str]:
    _, report, _ = validate(data, shacl_graph=shapes(release), inference="none")
    return [
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
        f"{report.value(r, SH.resultMessage)}"
        for r in report.objects(None, SH.result)
        if report.value(r, SH.resultSeverity) == SH.Violation
    ]


def feed(client: TestClient, url: str = "/catalog.ttl") -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.text
    suffix = url.split("?")[0].rsplit(".", 1)[-1]
    return Graph().parse(data=response.content, format=SYNTAXES.get(suffix, "turtle"))


def datasets(graph: Graph) -> dict[str, URIRef]:
    """dct:identifier -> IRI of every dataset in a feed."""
    return {
        str(graph.value(node, DCTERMS.identifier)): node
        for node in graph.subjects(RDF.type, DCAT.Dataset)
        if isinstance(node, URIRef)
    }


def dataset_id(instance: Instance, slug: str) -> str:
    return get_entry(instance, ADMIN, slug).dataset.id


def add_public(instance: Instance, tmp_path: Path, slug: str) -> None:
    path = tmp_path / f"{slug}.csv"
    path.write_text("code_insee;valeur\n01053;1\n", encoding="utf-8")
    metadata = parse_metadata(title=f"Jeu {slug}", access="public", licence="odc-odbl")
    add_version(instance, ADMIN, path, slug, organization="agglo", metadata=metadata)


def test_feed_is_valid_dcat_ap(client: TestClient, shared_data: Path) -> None:
    graph = feed(client)
    for release in SHAPES:
        assert violations(graph, release) == [], release


def test_downloaded_exports_get_size_and_checksum(client: TestClient, shared_data: Path) -> None:
    body = client.get("/api/v1/datasets/comptages/exports/csv").content
    graph = feed(client)
    [csv] = (d for d in graph.subjects(RDF.type, DCAT.Distribution) if str(d).endswith("/csv"))
    assert graph.value(csv, DCAT.byteSize).toPython() == len(body)
    checksum = graph.value(csv, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    [json_] = (d for d in graph.subjects(RDF.type, DCAT.Distribution) if str(d).endswith("/json"))
    assert graph.value(json_, DCAT.byteSize) is None  # not written yet: nothing to state
    assert violations(graph, "3.0.1") == []
    # 2.1.1 was narrower than 3: dcat:byteSize as xsd:decimal (3: xsd:nonNegativeInteger) and
    # SHA-1 as the only checksum algorithm. The feed follows 3; only these two differ.
    narrower = (str(DCAT.byteSize), str(SPDX.algorithm))
    assert [v for v in violations(graph, "2.1.1") if not any(p in v for p in narrower)] == []
    assert len(violations(graph, "2.1.1")) == 2


def test_the_shapes_do_bite(client: TestClient, shared_data: Path) -> None:
    graph = feed(client)
    graph.remove((None, DCTERMS.title, None))
    for release in SHAPES:
        assert any(str(DCTERMS.title) in v for v in violations(graph, release)), release


@pytest.mark.slow
def test_demo_territory_feed_is_valid_dcat_ap(instance: Instance, shared_data: Path) -> None:
    load_demo(instance)
    boxes = dict(prepare_extents(instance, ADMIN, None))
    with TestClient(create_app(instance.settings, instance)) as client:
        graph = feed(client, "/catalog.ttl?page_size=1000")
    assert len(datasets(graph)) >= 5
    for release in SHAPES:
        assert violations(graph, release) == [], release
    # GeoJSON is offered for the datasets with a geometry only.
    geographic = {s for s, o in graph.subject_objects(DCAT.distribution) if o.endswith("/geojson")}
    assert 0 < len(geographic) < len(datasets(graph))
    # Their boxes, once computed, as WKT polygons in a dct:Location.
    boxed = {
        s for s, place in graph.subject_objects(DCTERMS.spatial) if graph.value(place, DCAT.bbox)
    }
    assert boxed == geographic and len(boxes) == len(geographic)
    for literal in graph.objects(None, DCAT.bbox):
        assert literal.datatype == GSP.wktLiteral and str(literal).startswith("POLYGON((")


def test_three_syntaxes_give_one_graph(client: TestClient) -> None:
    graphs = [feed(client, f"/catalog.{suffix}") for suffix in SYNTAXES]
    assert len(graphs[0]) > 50
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])
    org = [feed(client, f"/organizations/agglo/catalog.{suffix}") for suffix in SYNTAXES]
    assert all(isomorphic(org[0], other) for other in org[1:])


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/turtle;q=0.2, application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_content_negotiation(client: TestClient, accept: str | None, media_type: str) -> None:
    response = client.get("/catalog", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"
    format_ = {v[1]: v[0] for v in dcat.SERIALISATIONS.values()}[media_type]
    assert datasets(Graph().parse(data=response.content, format=format_))


def test_negotiate_ignores_what_it_cannot_read() -> None:
    assert negotiate("application/ld+json;q=abc, text/turtle;q=0.1") == "ttl"
    assert negotiate("image/png") == "ttl"


def test_dataset_is_described(client: TestClient, instance: Instance) -> None:
    graph = feed(client)
    node = datasets(graph)[dataset_id(instance, "comptages")]
    assert node == URIRef(f"http://testserver/datasets/{dataset_id(instance, 'comptages')}")
    assert graph.value(node, DCTERMS.title) == Literal("Comptages vélos et voitures", lang="fr")
    assert set(graph.objects(node, DCAT.keyword)) == {
        Literal("vélo", lang="fr"),
        Literal("mobilité", lang="fr"),
    }
    assert graph.value(node, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/TRAN"
    )
    assert graph.value(node, DCAT.landingPage) == URIRef(
        "http://testserver/jeux-de-donnees/comptages"
    )
    publisher = graph.value(node, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Agglomération du Val", lang="fr")
    assert graph.value(publisher, DCTERMS.identifier) == Literal("200071751")
    standard = graph.value(node, DCTERMS.conformsTo)
    assert standard == URIRef("http://testserver/api/v1/schemas/comptages-horaires@1.0.0")
    formats = {str(d).rsplit("/", 1)[1]: d for d in graph.objects(node, DCAT.distribution)}
    assert set(formats) == {"csv", "json", "parquet", "xlsx"}  # no geometry: no GeoJSON
    csv = formats["csv"]
    url = URIRef("http://testserver/api/v1/datasets/comptages/exports/csv")
    assert graph.value(csv, DCAT.downloadURL) == graph.value(csv, DCAT.accessURL) == url
    assert graph.value(csv, DCAT.mediaType) == URIRef(
        "http://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(csv, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert graph.value(csv, DCTERMS.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    )
    service = graph.value(csv, DCAT.accessService)
    assert graph.value(service, DCAT.endpointDescription) == URIRef(
        "http://testserver/api/v1/openapi.json"
    )
    assert (service, DCAT.servesDataset, node) in graph
    # Served bytes are produced on demand: no size or digest could be exact.
    assert graph.value(csv, DCAT.byteSize) is None
    assert client.get(str(url)).status_code == 200


def test_internal_dataset_never_appears(client: TestClient, instance: Instance) -> None:
    hidden = dataset_id(instance, "subventions")
    for url in ("/catalog", "/catalog.rdf", "/catalog.jsonld", "/organizations/agglo/catalog"):
        text = client.get(url).text
        assert hidden not in text and "subventions" not in text, url
    # The same listing shows it to whom the policy lets read it.
    admin = dcat.catalog_graph(instance, ADMIN, "http://x", dcat.FeedQuery(), str)
    assert hidden in datasets(admin)


def test_identifier_survives_a_rename(client: TestClient, instance: Instance) -> None:
    before = datasets(feed(client))
    rename_dataset(instance, ADMIN, "comptages", "comptages-velos")
    graph = feed(client)
    assert datasets(graph) == before
    node = before[dataset_id(instance, "comptages-velos")]
    assert graph.value(node, DCAT.landingPage) == URIRef(
        "http://testserver/jeux-de-donnees/comptages-velos"
    )


def test_hydra_paging(client: TestClient, instance: Instance, tmp_path: Path) -> None:
    add_public(instance, tmp_path, "bornes")
    assert not list(feed(client).subjects(RDF.type, HYDRA.PartialCollectionView))
    first = feed(client, "/catalog.ttl?page_size=1")
    catalog = URIRef("http://testserver/catalog")
    assert first.value(catalog, HYDRA.totalItems).toPython() == 2
    view = first.value(catalog, HYDRA.view)
    assert (view, RDF.type, HYDRA.PartialCollectionView) in first
    assert str(first.value(view, HYDRA.last)).endswith("page_size=1&page=2")
    assert first.value(view, HYDRA.previous) is None
    second = feed(client, str(first.value(view, HYDRA.next)))
    assert list(datasets(first)) == [dataset_id(instance, "comptages")]
    assert list(datasets(second)) == [dataset_id(instance, "bornes")]
    view = second.value(catalog, HYDRA.view)
    assert second.value(view, HYDRA.next) is None
    assert second.value(view, HYDRA.previous) == first.value(catalog, HYDRA.view)
    assert not datasets(feed(client, "/catalog.ttl?page_size=1&page=3"))


def test_modified_since(client: TestClient, instance: Instance, tmp_path: Path) -> None:
    long_ago = datetime(2024, 1, 10, tzinfo=UTC)
    with instance.db.session() as session:
        session.execute(update(Dataset).values(created_at=long_ago, modified_at=long_ago))
        session.execute(update(Version).values(created_at=long_ago))
    add_public(instance, tmp_path, "bornes")
    recent = feed(client, "/catalog.ttl?modified_since=2025-01-01")
    assert list(datasets(recent)) == [dataset_id(instance, "bornes")]
    assert len(datasets(feed(client, "/catalog.ttl?modified_since=2024-01-10"))) == 2
    assert not datasets(feed(client, "/organizations/agglo/catalog?modified_since=2999-01-01"))


@pytest.mark.parametrize("value", ["2024-02-30", "31/01/2024", "2024-1-5", "20240105", "hier"])
def test_bad_modified_since_is_a_french_problem(client: TestClient, value: str) -> None:
    response = client.get("/catalog.ttl", params={"modified_since": value})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "AAAA-MM-JJ" in response.json()["detail"]


def test_bad_paging_is_a_problem(client: TestClient) -> None:
    response = client.get("/catalog", params={"page_size": 5000})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "page_size" in response.json()["detail"]


def test_organization_catalog(client: TestClient, instance: Instance) -> None:
    graph = feed(client, "/organizations/agglo/catalog.jsonld")
    catalog = URIRef("http://testserver/organizations/agglo/catalog")
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Agglomération du Val", lang="fr")
    assert list(datasets(graph)) == [dataset_id(instance, "comptages")]
    missing = client.get("/organizations/inconnue/catalog")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_feed_reads_back(client: TestClient, instance: Instance) -> None:
    """What Socle publishes, Socle's own harvester reads."""
    [entry] = read_catalog(feed(client, "/catalog.rdf"))
    assert entry["identifier"] == dataset_id(instance, "comptages")
    assert entry["title"] == "Comptages vélos et voitures"
    assert entry["keywords"] == ["mobilité", "vélo"]
    assert entry["licence"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    assert {d["url"].rsplit("/", 1)[1] for d in entry["distributions"]} == {
        "csv",
        "json",
        "parquet",
        "xlsx",
    }
