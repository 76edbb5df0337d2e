"""Public lighting points, exported from the lighting contractor's GIS in Lambert-93
(EPSG:2154), the official projection of mainland France, with the legacy GeoJSON ``crs`` member.

Lamps stand in rows along streets, every 25 to 30 m; a street's lamps were installed together,
so they share a technology and a year. Deliberate problems: year 1900 standing for "unknown"
and a few lamps without power. The second delivery records the year's LED retrofit (a
quarter of the sodium streets) and a new housing estate in Viriat.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from pyproj import Transformer

from socle.demo._files import feature, rng, second_delivery, write_geojson
from socle.demo.territory import COMMUNES

SEED = 2024_04
FILENAME = "points-lumineux-eclairage-public.geojson"
CRS = "urn:ogc:def:crs:EPSG::2154"
INHABITANTS_PER_STREET = 600
STREET_TYPES = ("Rue", "Avenue", "Chemin", "Impasse", "Allée", "Route", "Place")
STREET_NAMES = (
    "des Lilas",
    "Jean Jaurès",
    "Pasteur",
    "de la Paix",
    "des Écoles",
    "du Stade",
    "Victor Hugo",
    "des Charmilles",
    "de la Reyssouze",
    "du Moulin",
    "de la République",
    "Gambetta",
    "des Tanneurs",
    "du Lavoir",
    "des Vignes",
    "de l'Église",
    "Lamartine",
    "des Peupliers",
    "du Revermont",
)  # 19 names and 7 types: the first 133 combinations are all different
HEIGHT_M = {"Route": 10, "Avenue": 8, "Rue": 6, "Place": 6, "Chemin": 6, "Impasse": 4, "Allée": 4}
# Technology -> (first year it was installed, power range in W)
LAMPS = (
    ("ballon fluorescent", 1970, (125, 250)),
    ("sodium haute pression", 1985, (70, 150)),
    ("iodures métalliques", 2000, (70, 150)),
    ("LED", 2014, (20, 60)),
)
UNKNOWN_YEAR = 1900
NEW_ESTATE = ("01451", 46.2561, 5.2158, "Allée des Cerisiers", 14)


def _technology(year: int, random: np.random.Generator) -> tuple[str, tuple[int, int]]:
    """The most recent technology of the installation year, sometimes the one before."""
    available = [lamp for lamp in LAMPS if lamp[1] <= year]
    if len(available) > 1 and random.random() < 0.3:
        available.pop()
    name, _, power = available[-1]
    return name, power


def _walk(random: np.random.Generator, lat: float, lon: float, count: int) -> np.ndarray:
    """Positions (lon, lat) of lamps along a gently curving street starting near a point."""
    heading = random.uniform(0, 2 * math.pi) + np.cumsum(random.normal(0, 0.08, count))
    step = random.normal(28, 2, count)
    east, north = np.cumsum(step * np.cos(heading)), np.cumsum(step * np.sin(heading))
    metres_per_degree = 111_320.0
    lons = lon + east / (metres_per_degree * math.cos(math.radians(lat)))
    return np.column_stack([lons, lat + north / metres_per_degree])


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    random = rng(SEED)  # the streets: the same draws in both deliveries
    defects = rng(SEED + 1)  # one draw per lamp, in order, for the placeholders
    to_lambert = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    streets = []  # (insee, street name, positions, technology, power in W, year)
    for commune in COMMUNES:
        spread_m = math.sqrt(commune.area_km2) * 1000 / 5
        for index in range(max(4, commune.population // INHABITANTS_PER_STREET)):
            name = f"{STREET_TYPES[index % 7]} {STREET_NAMES[index % 19]}"
            north, east = random.normal(0, spread_m, 2)
            lat = commune.lat + north / 111_320
            lon = commune.lon + east / (111_320 * math.cos(math.radians(commune.lat)))
            positions = _walk(random, lat, lon, int(random.integers(6, 26)))
            year = int(random.integers(1975, 2024))
            technology, (low, high) = _technology(year, random)
            power = int(random.integers(low, high + 1)) // 10 * 10
            retrofit = random.random() < 0.25
            if second and retrofit and technology == "sodium haute pression":
                technology, power, year = "LED", int(round(power * 0.4, -1)), 2024
            streets.append((commune.insee, name, positions, technology, power, year))
    if second:
        insee, lat, lon, name, count = NEW_ESTATE
        streets.append((insee, name, _walk(random, lat, lon, count), "LED", 30, 2024))

    names = {c.insee: c.name for c in COMMUNES}
    features = []
    numbers: dict[str, int] = {}
    for street_number, (insee, name, positions, technology, power, year) in enumerate(streets):
        xs, ys = to_lambert.transform(positions[:, 0], positions[:, 1])
        for x, y in zip(xs, ys, strict=True):
            numbers[insee] = numbers.get(insee, 0) + 1
            draw = int(defects.integers(1_000))
            properties = {
                "identifiant": f"EP-{insee}-{numbers[insee]:05d}",
                "armoire": f"AR-{insee}-{street_number % 12 + 1:02d}",
                "type_lampe": technology,
                "puissance_w": None if draw < 4 else power,
                "hauteur_m": HEIGHT_M[name.split()[0]],
                "annee_installation": UNKNOWN_YEAR if 4 <= draw < 14 else year,
                "voie": name,
                "code_insee": insee,
                "commune": names[insee],
                "extinction_nocturne": year >= 2010 or draw % 3 == 0,
            }
            geometry = {"type": "Point", "coordinates": [round(x, 2), round(y, 2)]}
            features.append(feature(geometry, properties))
    return write_geojson(directory / FILENAME, "points_lumineux", features, crs=CRS)
