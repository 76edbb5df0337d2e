"""ODSQL's geographic functions as DuckDB SQL, on GeoJSON and Table Schema geopoint fields.

``within_distance(f, geom'POINT(lon lat)', 1km)``, ``in_bbox(f, lat1, lon1, lat2, lon2)``,
``intersects(f, geom'…')``, ``within(f, geom'…')`` and ``disjoint(f, geom'…')``. Each one
first keeps the rows whose bounding box (:mod:`socle.engine.geo`) meets the query's box — four
numbers per row, read from the version's bounds table when there is one — and then:

- for a point (a row whose box is a single position, or a geopoint field), decides in SQL:
  the box test is the answer of ``in_bbox``; ``within_distance`` computes the great-circle
  distance (haversine on the sphere of mean radius 6,371,008.8 m);
- for any other shape, passes the few rows left to shapely through the DuckDB functions of
  :mod:`socle.engine._shapes`, inside a ``CASE`` so that they never see the other rows.

A geometry literal is parsed here (WKT or GeoJSON, bounded in size, coordinates checked) and
reaches SQL only as bound WKB bytes; numbers are bound too. Errors are ``ValueError`` with a
French message; the compiler adds the position.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import shapely
from shapely.errors import ShapelyError

from socle.engine.geo import BBox, bounds_sql, intersects_sql
from socle.errors import InputError
from socle.sql import identifier

EARTH_RADIUS = 6_371_008.8  # metres, the mean radius (IUGG)
HALF_CIRCUMFERENCE = math.pi * EARTH_RADIUS
UNITS = {
    "mm": 0.001,
    "cm": 0.01,
    "m": 1.0,
    "km": 1000.0,
    "mi": 1609.344,
    "yd": 0.9144,
    "ft": 0.3048,
}
MAX_VERTICES = 10_000
GEO_TYPES = frozenset({"geojson", "geopoint"})
RELATIONS = ("intersects", "within", "disjoint")
_DISTANCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)
_MARGIN = 1e-9  # degrees added around a circle's box, against rounding at its edge

Bind = Callable[[object, str | None], str]  # (value, cast) -> placeholder, appended in order


@dataclass(frozen=True)
class GeoColumn:
    """A geographic field in SQL: its GeoJSON text, its box, and (x, y) if it holds points."""

    geojson: str
    bounds: tuple[str, str, str, str]
    point: tuple[str, str] | None = None

    @property
    def is_point(self) -> str:
        """SQL: the row's value is one position (a degenerate box)."""
        if self.point is not None:
            return "TRUE"
        minx, miny, maxx, maxy = self.bounds
        return f"({minx} = {maxx} AND {miny} = {maxy})"

    @property
    def position(self) -> tuple[str, str]:
        return self.point or (self.bounds[0], self.bounds[1])


def geo_column(
    name: str, type_: str, bounds: tuple[str, str, str, str] | None, points_only: bool = False
) -> GeoColumn:
    """The column of field ``name``; ``bounds``: precomputed box columns (a bounds table);
    ``points_only``: the bounds table says every geometry is a point, so the geometry text
    need not be read at all."""
    column = identifier(name)
    if type_ == "geojson" and not (bounds and points_only):
        return GeoColumn(column, bounds or bounds_sql(column))
    x, y = (bounds[0], bounds[1]) if type_ == "geojson" and bounds else _geopoint_xy(column)
    geojson = f"CAST(json_object('type', 'Point', 'coordinates', json_array({x}, {y})) AS VARCHAR)"
    return GeoColumn(geojson, (x, y, x, y), (x, y))


def _geopoint_xy(column: str) -> tuple[str, str]:
    """SQL (lon, lat) of a Table Schema geopoint: ``"lon, lat"``, ``[lon, lat]`` or
    ``{"lon": …, "lat": …}``, told apart by the first character."""
    text = f"trim({column})"
    json = f"(CASE WHEN json_valid({text}) THEN {text} END)"

    def coordinate(index: int, key: str) -> str:
        return (
            f"(CASE left({text}, 1) "
            f"WHEN '[' THEN TRY_CAST(json_extract_string({json}, '$[{index}]') AS DOUBLE) "
            f"WHEN '{{' THEN TRY_CAST(json_extract_string({json}, '$.{key}') AS DOUBLE) "
            f"ELSE TRY_CAST(trim(split_part({text}, ',', {index + 1})) AS DOUBLE) END)"
        )

    return coordinate(0, "lon"), coordinate(1, "lat")


# Literals -----------------------------------------------------------------------------------


def parse_distance(text: str) -> float:
    """``1km``, ``250 m``, ``2.5mi``, or a plain number of metres -> metres."""
    match = _DISTANCE.match(text)
    unit = (match.group(2) if match else "").lower() or "m"
    if match is None or unit not in UNITS:
        raise ValueError(
            f"Distance « {text} » invalide : un nombre suivi d'une unité "
            f"({', '.join(UNITS)}), ex. 500m ou 1km"
        )
    return float(match.group(1)) * UNITS[unit]


def geometry_text(token: str) -> str:
    """The text inside ``geom'…'``."""
    return token[token.index("'") + 1 : -1]


def parse_geometry(text: str) -> shapely.Geometry:
    """A WKT or GeoJSON geometry in longitude/latitude, checked: parsed, not empty, at most
    :data:`MAX_VERTICES` positions, coordinates in range, valid (closed, not self-crossing)."""
    stripped = text.strip()
    try:
        if stripped.startswith("{"):
            geometry = shapely.from_geojson(stripped)
        else:
            geometry = shapely.from_wkt(stripped)
    except (ShapelyError, ValueError, TypeError) as exc:
        kind = "GeoJSON" if stripped.startswith("{") else "WKT"
        raise ValueError(
            f"Géométrie « {_short(stripped)} » illisible ({kind} attendu, "
            "ex. geom'POINT(5.22 46.2)' ou geom'POLYGON((5 46, 6 46, 6 47, 5 46))') : "
            f"{_short(str(exc), 120)}"
        ) from None
    if geometry is None or geometry.is_empty:
        raise ValueError("Géométrie vide")
    geometry = shapely.force_2d(geometry)
    if shapely.get_num_coordinates(geometry) > MAX_VERTICES:
        raise ValueError(f"Géométrie trop grande ({MAX_VERTICES} sommets au plus)")
    coordinates = shapely.get_coordinates(geometry)
    if not all(math.isfinite(v) for v in coordinates.flat):
        raise ValueError("Les coordonnées de la géométrie doivent être des nombres finis")
    xs, ys = coordinates[:, 0], coordinates[:, 1]
    if xs.min() < -180 or xs.max() > 180 or ys.min() < -90 or ys.max() > 90:
        raise ValueError(
            "Coordonnées hors limites : longitude entre -180 et 180 puis latitude entre -90 "
            "et 90 (WKT et GeoJSON donnent la longitude d'abord)"
        )
    if not shapely.is_valid(geometry):
        raise ValueError(f"Géométrie invalide : {shapely.is_valid_reason(geometry)}")
    return geometry


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def box_of(lat1: float, lon1: float, lat2: float, lon2: float) -> BBox:
    """ODS's ``in_bbox`` corners (latitude first) as a box, whichever corners are given."""
    try:
        return BBox(min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))
    except InputError as exc:
        raise ValueError(f"{exc.message} : in_bbox(champ, lat1, lon1, lat2, lon2)") from None


def circle_box(lon: float, lat: float, metres: float) -> BBox:
    """The box around the circle of ``metres`` around (lon, lat), on the sphere.

    Latitudes span ± the angle; longitudes span ± asin(sin d / cos φ), the meridians tangent
    to the circle — wider than d / cos φ away from the equator. A circle holding a pole spans
    every longitude; one crossing the antimeridian gives a box with west > east.
    """
    angle = metres / EARTH_RADIUS
    phi = math.radians(lat)
    south, north = math.degrees(phi - angle), math.degrees(phi + angle)
    if angle >= math.pi / 2 - abs(phi) or angle >= math.pi:
        return BBox(-180, max(-90.0, south - _MARGIN), 180, min(90.0, north + _MARGIN))
    spread = math.degrees(math.asin(math.sin(angle) / math.cos(phi))) + _MARGIN
    west, east = lon - spread, lon + spread
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return BBox(west, south - _MARGIN, east, north + _MARGIN)


# SQL ----------------------------------------------------------------------------------------


def haversine_sql(x: str, y: str, lon: float, lat: float, bind: Bind) -> str:
    """Great-circle distance in metres from (``x``, ``y``) (SQL) to (lon, lat) (bound)."""
    half_lat = f"sin(radians({y} - {bind(lat, 'DOUBLE')}) / 2)"
    cosines = f"cos(radians({bind(lat, 'DOUBLE')})) * cos(radians({y}))"
    half_lon = f"sin(radians({x} - {bind(lon, 'DOUBLE')}) / 2)"
    root = f"sqrt(least(1.0, pow({half_lat}, 2) + {cosines} * pow({half_lon}, 2)))"
    return f"(2 * {EARTH_RADIUS} * asin({root}))"


def in_bbox(column: GeoColumn, box: BBox, params: list[object], bind: Bind) -> str:
    """Rows meeting ``box``: the box test alone for points, shapely for the other shapes."""
    meets = intersects_sql(box, column.bounds, params)
    if column.point is not None:
        return f"COALESCE({meets}, FALSE)"
    polygon = shapely.box(box.minx, box.miny, box.maxx, box.maxy)
    exact = _relate(column, "intersects", polygon, bind)
    return _gated(meets, f"CASE WHEN {column.is_point} THEN TRUE ELSE {exact} END")


def within_distance(
    column: GeoColumn,
    centre: shapely.Geometry,
    metres: float,
    params: list[object],
    bind: Bind,
) -> str:
    """Rows at most ``metres`` from ``centre`` (a point), measured on the sphere."""
    if shapely.get_type_id(centre) != 0:
        raise ValueError("within_distance attend un point comme centre : geom'POINT(lon lat)'")
    lon, lat = centre.x, centre.y
    metres = min(metres, HALF_CIRCUMFERENCE)
    meets = intersects_sql(circle_box(lon, lat, metres), column.bounds, params)
    x, y = column.position
    near = f"{haversine_sql(x, y, lon, lat, bind)} <= {bind(metres, 'DOUBLE')}"
    if column.point is not None:
        return _gated(meets, near)
    shape = (
        f"socle_geo_distance({column.geojson}, {bind(lon, 'DOUBLE')}, {bind(lat, 'DOUBLE')}) "
        f"<= {bind(metres, 'DOUBLE')}"
    )
    return _gated(meets, f"CASE WHEN {column.is_point} THEN {near} ELSE {shape} END")


def relation(
    column: GeoColumn,
    name: str,
    geometry: shapely.Geometry,
    params: list[object],
    bind: Bind,
) -> str:
    """``intersects``, ``within`` (the row's shape inside ``geometry``) or ``disjoint``."""
    minx, miny, maxx, maxy = shapely.bounds(geometry).tolist()
    meets = intersects_sql(BBox(minx, miny, maxx, maxy), column.bounds, params)
    exact = _relate(column, "within" if name == "within" else "intersects", geometry, bind)
    found = _gated(meets, exact)
    if name == "disjoint":  # a row without geometry is disjoint from nothing, as in SQL
        return f"({column.geojson} IS NOT NULL AND NOT {found})"
    return found


def _gated(meets: str, exact: str) -> str:
    """``exact`` on the rows whose box ``meets`` only — DuckDB evaluates a CASE branch on the
    rows that take it, where AND would compute both sides for every row — and never NULL."""
    return f"(CASE WHEN {meets} THEN COALESCE({exact}, FALSE) ELSE FALSE END)"


def _relate(column: GeoColumn, name: str, geometry: shapely.Geometry, bind: Bind) -> str:
    return f"socle_geo_relate({column.geojson}, {bind(shapely.to_wkb(geometry), 'BLOB')}, '{name}')"
