"""Waste containers (apport volontaire) with their locations, from the waste service's GIS.

Deliberate problems: two containers have no position yet, and one fill rate reads 112 %.
The second delivery adds the containers of a new collection point.
"""

from __future__ import annotations

from pathlib import Path

from socle.demo._files import rng, write_json
from socle.demo.territory import COMMUNES

KINDS = (("verre", 4000), ("ordures ménagères", 5000), ("emballages", 4000), ("papier", 3000))


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_03, variant)
    features = []
    for index in range(340 if variant == 2 else 320):
        commune = COMMUNES[index % len(COMMUNES)]
        kind, volume = KINDS[index % len(KINDS)]
        fill = int(random.integers(5, 100))
        geometry: dict[str, object] | None = {
            "type": "Point",
            "coordinates": [
                round(commune.lon + random.normal(0, 0.008), 6),
                round(commune.lat + random.normal(0, 0.006), 6),
            ],
        }
        if index in (17, 211):
            geometry = None  # not yet surveyed
        if index == 42:
            fill = 112
        features.append(
            {
                "type": "Feature",
                "id": f"PAV-{index + 1:04d}",
                "geometry": geometry,
                "properties": {
                    "identifiant": f"PAV-{index + 1:04d}",
                    "type_dechet": kind,
                    "volume_litres": volume,
                    "code_insee": commune.insee,
                    "commune": commune.name,
                    "taux_remplissage": fill,
                    "date_derniere_collecte": f"2024-11-{int(random.integers(1, 29)):02d}",
                    "enterre": bool(index % 5 == 0),
                },
            }
        )
    path = directory / "conteneurs-apport-volontaire.geojson"
    return write_json(path, {"type": "FeatureCollection", "features": features})
