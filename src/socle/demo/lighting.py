"""Public lighting points exported from the lighting contractor's GIS in Lambert-93.

Deliberate problem: installation year 1900 as a placeholder for "unknown" on some lamps.
The second delivery records the replacement of 60 sodium lamps by LEDs.
"""

from __future__ import annotations

from pathlib import Path

from pyproj import Transformer

from socle.demo._files import rng, write_json
from socle.demo.territory import COMMUNES

LAMPS = (
    ("LED", (30, 70)),
    ("sodium haute pression", (70, 150)),
    ("iodures métalliques", (70, 150)),
)
STREETS = (
    "Rue de la Mairie",
    "Chemin des Vignes",
    "Route de Bourg",
    "Rue du Stade",
    "Allée des Tilleuls",
    "Rue de l'Église",
    "Impasse des Acacias",
)
POINTS = 1500


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_04, variant)
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    features = []
    for index in range(POINTS):
        commune = COMMUNES[index % len(COMMUNES)]
        lon = commune.lon + random.normal(0, 0.01)
        lat = commune.lat + random.normal(0, 0.007)
        x, y = to_l93.transform(lon, lat)
        lamp, (low, high) = LAMPS[int(random.integers(0, 3))]
        year = int(random.integers(1985, 2024))
        if variant == 2 and lamp == "sodium haute pression" and index % 5 == 0:
            lamp, year = "LED", 2024
        if index % 97 == 0:
            year = 1900
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(x, 2), round(y, 2)]},
                "properties": {
                    "identifiant": f"EP-{commune.insee}-{index:05d}",
                    "type_lampe": lamp,
                    "puissance_w": int(random.integers(low, high)),
                    "annee_installation": year,
                    "voie": STREETS[index % len(STREETS)],
                    "code_insee": commune.insee,
                },
            }
        )
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "features": features,
    }
    return write_json(directory / "points-lumineux-eclairage-public.geojson", document)
