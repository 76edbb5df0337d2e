"""The communes of the agglomeration with generated outlines around their real centroids.

The outlines are Voronoi cells of the centroids, clipped to the territory's hull: plausible
and non-overlapping, but not the official boundaries. The second delivery carries the new
census populations.
"""

from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Point, mapping

from socle.demo._files import write_json
from socle.demo.territory import COMMUNES


def generate(directory: Path, variant: int) -> Path:
    points = MultiPoint([(c.lon, c.lat) for c in COMMUNES])
    hull = points.convex_hull.buffer(0.03)
    cells = shapely.voronoi_polygons(points, extend_to=hull)
    features = []
    for commune in COMMUNES:
        centre = Point(commune.lon, commune.lat)
        cell = next(g for g in cells.geoms if g.contains(centre)).intersection(hull)
        population = commune.population if variant == 1 else round(commune.population * 1.012)
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(shapely.set_precision(cell, 1e-5)),
                "properties": {
                    "code_insee": commune.insee,
                    "nom": commune.name,
                    "code_postal": commune.postal_code,
                    "population": population,
                    "superficie_km2": commune.area_km2,
                    "annee_population": 2021 if variant == 1 else 2022,
                },
            }
        )
    return write_json(
        directory / "communes-val-de-lumiere.geojson",
        {"type": "FeatureCollection", "features": features},
    )
