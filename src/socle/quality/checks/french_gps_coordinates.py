"""``french-gps-coordinates``: a ``longitude,latitude`` point lies in France.

France here is the metropolitan territory with Corsica and the overseas territories, each
as a bounding box. A point whose swapped coordinates would be French gets its own message:
latitude and longitude were likely written in the wrong order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socle.quality.checks import ValueCheck

# (min lon, min lat, max lon, max lat)
TERRITORIES = (
    (-5.5, 41.2, 9.8, 51.3),  # metropolitan France and Corsica
    (-61.9, 15.8, -60.9, 16.6),  # Guadeloupe
    (-61.3, 14.3, -60.7, 14.9),  # Martinique
    (-54.7, 2.1, -51.5, 5.9),  # Guyane
    (55.1, -21.5, 56.0, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
    (-56.5, 46.7, -56.1, 47.2),  # Saint-Pierre-et-Miquelon
    (-63.2, 17.8, -62.7, 18.2),  # Saint-Martin, Saint-Barthélemy
    (-178.3, -14.4, -176.1, -13.1),  # Wallis-et-Futuna
    (-154.8, -27.7, -134.9, -7.8),  # Polynésie française
    (163.5, -22.8, 168.2, -19.5),  # Nouvelle-Calédonie
)


def inside(lon: str, lat: str) -> str:
    boxes = [
        f"({lon} BETWEEN {x0} AND {x1} AND {lat} BETWEEN {y0} AND {y1})"
        for x0, y0, x1, y1 in TERRITORIES
    ]
    return "(" + " OR ".join(boxes) + ")"


def coordinates(cell: str) -> tuple[str, str]:
    lon = f"TRY_CAST(trim(split_part({cell}, ',', 1)) AS DOUBLE)"
    lat = f"TRY_CAST(trim(split_part({cell}, ',', 2)) AS DOUBLE)"
    return lon, lat


def outside_france(cell: str, params: Mapping[str, Any]) -> str:
    lon, lat = coordinates(cell)
    return f"{lon} IS NOT NULL AND {lat} IS NOT NULL AND NOT {inside(lon, lat)}"


def message(cell: str) -> str:
    lon, lat = coordinates(cell)
    return (
        f"CASE WHEN {inside(lat, lon)} THEN 'Les coordonnées `' || {cell} || '` semblent "
        "inversées : écrivez la longitude puis la latitude' ELSE 'Les coordonnées `' || "
        f"{cell} || '` ne sont pas en France' END"
    )


CHECK = ValueCheck(name="french-gps-coordinates", invalid=outside_france, message=message)
