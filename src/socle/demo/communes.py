"""The member communes, with outlines generated around their real centroids (GeoJSON, WGS84).

The outlines are Voronoi cells of the centroids clipped to the territory, their borders
bent by one smooth displacement field: every shared vertex moves the same way in both
neighbours, so the cells stay non-overlapping while looking less geometric. They are
indicative, not the official boundaries. The second delivery carries the next census
populations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, mapping

from socle.demo._files import feature, second_delivery, write_geojson
from socle.demo.territory import COMMUNES, ORGANIZATION

FILENAME = "communes-val-de-lumiere.geojson"
GROWTH_2021_2022 = 1.006
DEGREES = 1e-5  # about a metre: the precision of the written coordinates


def _bend(coordinates: np.ndarray) -> np.ndarray:
    """A smooth displacement of about 150 m, the same for any vertex at the same place."""
    lon, lat = coordinates[:, 0], coordinates[:, 1]
    shift_lon = 0.0018 * np.sin(lat * 190 + lon * 60) + 0.0008 * np.sin(lat * 420 - 1.3)
    shift_lat = 0.0013 * np.sin(lon * 170 - lat * 50) + 0.0006 * np.sin(lon * 390 + 0.7)
    return np.column_stack([lon + shift_lon, lat + shift_lat])


def outlines() -> dict[str, shapely.Geometry]:
    """INSEE code -> generated outline."""
    points = MultiPoint([(c.lon, c.lat) for c in COMMUNES])
    territory = points.convex_hull.buffer(0.035, quad_segs=4)
    cells = shapely.voronoi_polygons(points, extend_to=territory)
    shapes = {}
    for commune in COMMUNES:
        centre = Point(commune.lon, commune.lat)
        cell = next(g for g in cells.geoms if g.contains(centre)).intersection(territory)
        bent = shapely.transform(shapely.segmentize(cell, 0.002), _bend)
        snapped = shapely.set_precision(bent, DEGREES)  # also drops collapsed vertices
        shapes[commune.insee] = shapely.transform(snapped, lambda xy: np.round(xy, 5))
    return shapes


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    shapes = outlines()
    features = [
        feature(
            mapping(shapes[commune.insee]),
            {
                "code_insee": commune.insee,
                "nom": commune.name,
                "code_postal": commune.postal_code,
                "code_departement": "01",
                "epci": ORGANIZATION.name,
                "population": round(commune.population * GROWTH_2021_2022)
                if second
                else commune.population,
                "annee_population": 2022 if second else 2021,
                "superficie_km2": commune.area_km2,
            },
        )
        for commune in COMMUNES
    ]
    return write_geojson(directory / FILENAME, "communes", features)
