"""The API tests' small instance (one public, one internal dataset), plus a public
geographic dataset whose description tries Markdown headings and HTML."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance
from tests.api.conftest import populate

STOPS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"nom": name, "montant": amount, "mise_en_service": day},
            "geometry": {"type": "Point", "coordinates": [5.2 + i / 100, 46.2]},
        }
        for i, (name, amount, day) in enumerate(
            [("Gare", 1234567.5, "2023-03-01"), ("Mairie", 12.25, "2023-12-31")]
        )
    ],
}
STOPS_DESCRIPTION = "# Arrêts\n\nDes arrêts <script>alert('x')</script> du réseau."


def square(lon: float, lat: float, size: float = 0.05) -> dict[str, object]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def add_geojson(
    instance: Instance,
    tmp_path: Path,
    slug: str,
    features: list[tuple[dict[str, object], dict[str, object]]],
    title: str,
    access: str = "public",
) -> None:
    """A geographic dataset from (geometry, properties) pairs."""
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": g, "properties": p} for g, p in features],
    }
    source = tmp_path / f"{slug}.geojson"
    source.write_text(json.dumps(collection), encoding="utf-8")
    metadata = parse_metadata(title=title, access=access)
    add_version(instance, ADMIN, source, slug, organization="agglo", metadata=metadata)


def add_communes(instance: Instance, tmp_path: Path, access: str = "public") -> None:
    """The maps' default base layer: two square « communes » around the stops."""
    communes = [
        (square(5.15, 46.15), {"code_insee": "01053", "nom": "Bourg-en-Bresse"}),
        (square(5.20, 46.15), {"code_insee": "01289", "nom": "Péronnas"}),
    ]
    add_geojson(instance, tmp_path, "communes", communes, "Communes du Val", access)


def populate_portal(instance: Instance, tmp_path: Path) -> None:
    populate(instance, tmp_path)
    stops = tmp_path / "arrets.geojson"
    stops.write_text(json.dumps(STOPS), encoding="utf-8")
    add_version(
        instance,
        ADMIN,
        stops,
        "arrets",
        organization="agglo",
        metadata=parse_metadata(
            title="Arrêts de bus",
            description=STOPS_DESCRIPTION,
            access="public",
            themes=["TRAN"],
            keywords=["bus"],
            licence="lov2",
            spatial=["01053", "01289"],
            temporal_start="2023-01-01",
            temporal_end="2023-12-31",
            frequency="MONTHLY",
            contact_name="Service mobilité",
            contact_email="mobilite@agglo.example",
        ),
    )


@pytest.fixture
def client(instance: Instance, tmp_path: Path) -> Iterator[TestClient]:
    populate_portal(instance, tmp_path)
    with TestClient(create_app(instance.settings, instance)) as test_client:
        yield test_client
