"""Waste containers (apport volontaire) from the waste service's GIS, as GeoJSON in WGS84.

Containers stand together at collection points, more of them where more people live; the
ones with a sensor report their fill rate, measured weekly. Deliberate problems: two
containers not yet surveyed (no geometry), a fill rate of 112 %, and one collection point
whose commune lost its accent ("Peronnas"). The second delivery carries the next week's
measurements, fixes the accent and adds a new collection point in Viriat.
"""

from __future__ import annotations

import math
from pathlib import Path

from socle.demo._files import feature, rng, second_delivery, write_geojson
from socle.demo.territory import COMMUNES, STREETS

SEED = 2024_03
FILENAME = "conteneurs-apport-volontaire.geojson"
# Waste -> (code, volume in litres, share of collection points that have one)
KINDS = (
    ("verre", "VE", 4000, 1.0),
    ("emballages", "EM", 4000, 0.8),
    ("papier", "PA", 3000, 0.55),
    ("ordures ménagères", "OM", 5000, 0.35),
)
INHABITANTS_PER_POINT = 450
UNSURVEYED = ("VE-01053-017", "VE-01264-002")
OVERFULL = "VE-01053-042"
UNACCENTED_POINT = "PAV-01289-005"
NEW_POINT = ("01451", 46.24712, 5.21655)  # the second delivery's new point, in Viriat
MEASURED = ("2024-11-28", "2024-12-05")


def _points() -> list[tuple[str, float, float]]:
    """(INSEE code, lat, lon) of each collection point, spread over the commune's area."""
    random = rng(SEED)
    points = []
    for commune in COMMUNES:
        spread_km = math.sqrt(commune.area_km2) / 5
        for _ in range(max(2, commune.population // INHABITANTS_PER_POINT)):
            north, east = random.normal(0, spread_km, 2)
            lat = commune.lat + north / 111.32
            lon = commune.lon + east / (111.32 * math.cos(math.radians(commune.lat)))
            points.append((commune.insee, lat, lon))
    return points


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    layout = rng(SEED + 10)  # which containers stand where: the same in both deliveries
    readings = rng(SEED + 100 * variant)  # the week's fill rates: new in each delivery
    points = _points()
    if second:
        points.append(NEW_POINT)
    names = {c.insee: c.name for c in COMMUNES}
    features = []
    numbers: dict[str, int] = {}
    for insee, lat, lon in points:
        numbers[insee] = numbers.get(insee, 0) + 1
        point = f"PAV-{insee}-{numbers[insee]:03d}"
        commune = names[insee]
        if point == UNACCENTED_POINT and not second:
            commune = commune.replace("é", "e")
        buried = insee == "01053" and layout.random() < 0.3
        address = f"{int(layout.integers(1, 80))} {STREETS[int(layout.integers(len(STREETS)))]}"
        for slot, (waste, code, volume, share) in enumerate(KINDS):
            present = layout.random() < share
            sensor = layout.random() < 0.6
            if not present:
                continue
            ident = f"{code}-{insee}-{numbers[insee]:03d}"
            fill = int(readings.integers(3, 96)) if sensor else None
            if ident == OVERFULL:
                sensor, fill = True, 112
            geometry = None
            if ident not in UNSURVEYED:
                # A few metres apart, in a row along the kerb.
                position = [round(lon + slot * 0.00005, 6), round(lat + slot * 0.00001, 6)]
                geometry = {"type": "Point", "coordinates": position}
            properties = {
                "identifiant": ident,
                "point_collecte": point,
                "type_dechet": waste,
                "volume_litres": volume,
                "enterre": buried,
                "adresse": address,
                "code_insee": insee,
                "commune": commune,
                "capteur": sensor,
                "taux_remplissage": fill,
                "date_mesure": MEASURED[variant - 1] if sensor else None,
            }
            features.append(feature(geometry, properties))
    return write_geojson(directory / FILENAME, "conteneurs_apport_volontaire", features)
