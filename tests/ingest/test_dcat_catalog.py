"""Reading the real DCAT catalogs data.gouv.fr's harvester is tested on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from socle.ingest.dcat_catalog import read_catalog
from tests.conftest import need_shared_data

# rdflib's own JSON-LD parser still builds a ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FIXTURES = Path("dcat-ap") / "udata-harvest-fixtures"


def fixture_graph(name: str) -> Graph:
    path = need_shared_data() / FIXTURES / name
    syntax = "json-ld" if path.suffix == ".jsonld" else "xml"
    return Graph().parse(path, format=syntax, publicID="http://fixture.test/")


def by_identifier(name: str) -> dict[str | None, dict]:
    return {d["identifier"]: d for d in read_catalog(fixture_graph(name))}


def test_every_harvest_fixture_reads(shared_data: Path) -> None:
    files = sorted((shared_data / FIXTURES).iterdir())
    assert len(files) == 17
    for path in files:
        if path.suffix == ".json":
            # DCAT-US with a remote @context (evian) and a CKAN API answer (dkan): plain
            # JSON here, since reading them as RDF would mean fetching their context.
            assert json.loads(path.read_text(encoding="utf-8")), path.name
            continue
        graph = fixture_graph(path.name)
        assert len(graph) > 20, path.name
        assert read_catalog(graph), path.name


def test_read_rdf_xml_catalog(shared_data: Path) -> None:
    found = by_identifier("catalog.xml")
    assert sorted(found, key=str) == ["1", "2", "3", "4"]
    assert found["1"]["description"].startswith("<h1>h1 title</h1>")  # dct:abstract
    assert found["2"]["licence"] == "Licence Ouverte Version 2.0"  # dct:rights
    assert found["3"]["licence"] == "Licence Ouverte Version 2.0"  # dct:license
    assert found["3"]["keywords"] == ["Tag 1", "Tag 2"]
    assert [d["url"] for d in found["3"]["distributions"]] == [
        "http://data.test.org/datasets/3/resources/1/file.json"
    ]


def test_read_udata_export(shared_data: Path) -> None:
    found = by_identifier("udata.xml")
    vote = found[
        "https://vanves-seineouest.opendatasoft.com/explore/dataset/bureau-de-vote-vanves/"
    ]
    assert vote["title"] == "Bureaux de vote - Vanves"
    assert vote["keywords"] == ["administration-finances-publiques", "bureaux-de-vote", "elections"]
    assert (
        "https://vanves-seineouest.opendatasoft.com/api/explore/v2.1/catalog/datasets/"
        "bureau-de-vote-vanves/exports/csv?use_labels=true"
    ) in [d["url"] for d in vote["distributions"]]


def test_read_geodcat_records(shared_data: Path) -> None:
    [camping] = read_catalog(fixture_graph("datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml"))
    assert camping["title"] == "Campings issus de la BDTopo de Auvergne Rhône-Alpes"
    assert camping["licence"] == "Ayant droit IGN Bénéficiaires du RGE"  # distribution's label
    assert camping["distributions"][0]["url"] == (
        "https://telechargement.open-datara.fr/download/5a26b0f6-0ccf-46ad-ac58-734054b91977"
    )
    series = by_identifier("series.xml")["FR-33071536800297-ATLAS_DCE_ARTOIS_PICARDIE_ETATGLOBAL"]
    assert series["title"] == "DCE – Bassin Artois-Picardie - Etat global"
    assert {d["url"] for d in series["distributions"]} == {
        "https://sextant.ifremer.fr/services/wms/dce_ap",
        "https://sextant.ifremer.fr/services/wfs/dce_ap",
    }


def test_read_json_ld_catalogs(shared_data: Path) -> None:
    blank = read_catalog(fixture_graph("bnodes.jsonld"))
    assert sorted(d["identifier"] for d in blank) == ["1", "2", "3"]
    assert all(d["uri"] is None for d in blank)
    nested = by_identifier("nested.jsonld")["1"]
    assert nested["distributions"][0]["url"] == (
        "http://data.test.org/datasets/1/resources/1/file.json"
    )
    assert nested["distributions"][0]["format"] == "JSON"


def test_hydra_pages_of_a_harvested_catalog(shared_data: Path) -> None:
    first = fixture_graph("partial-collection-1.jsonld")
    [view] = first.subjects(RDF.type, HYDRA.PartialCollectionView)
    assert str(first.value(view, HYDRA.next)) == "http://data.test.org/catalog.jsonld?page=2"
    second = fixture_graph("partial-collection-2.jsonld")
    identifiers = [d["identifier"] for d in read_catalog(first) + read_catalog(second)]
    assert sorted(identifiers) == ["1", "2", "3", "4"]
