"""Geometry in SQL for GeoJSON text columns, without DuckDB's spatial extension.

Socle stores a dataset's geometry as GeoJSON geometry text in WGS84 (longitude, latitude) and
calls nothing outside, so no spatial extension is installed. What geographic filters need
first is each row's bounding box; this module derives it with plain DuckDB functions:

- :func:`bounds_sql` gives the four SQL expressions (min x, min y, max x, max y) of a GeoJSON
  text column. A GeoJSON *position* is the only array whose first element is a number, so two
  regular expressions pick every position's x and y — for any geometry type, nested
  collections, 2D or 3D — and list aggregates reduce them. One vectorised pass, no parsing in
  Python; a missing or malformed geometry gives NULL bounds, which match no box.
- :func:`write_bounds` stores those bounds as a *bounds table*: a small Parquet file with one
  row per data row, in the same order, so that queries read it beside the data with
  ``POSITIONAL JOIN`` (see :func:`with_bounds`). Filtering one million points by box then reads
  four numeric columns (tens of milliseconds) instead of every geometry's text (about a second).
- :func:`intersects_sql` is the predicate "the row's box intersects this box", with bound
  parameters; a box whose west edge is east of its east edge crosses the antimeridian.

For the query language's geo functions these are the building blocks: ``in_bbox(field, lat1,
lon1, lat2, lon2)`` is ``intersects_sql(BBox(min lon, min lat, max lon, max lat),
bounds_sql(field), params)`` (exact for points, the usual prefilter for other shapes), and
``within_distance(field, POINT, 1km)`` prefilters the same way with the box around the
circle before an exact distance on the few rows left.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from socle.errors import InputError
from socle.sql import identifier, literal

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BOUND_COLUMNS = ("__socle_minx", "__socle_miny", "__socle_maxx", "__socle_maxy")
_NUMBER = r"-?[0-9.]+(?:[eE][-+]?[0-9]+)?"
_X = rf"\[\s*({_NUMBER})\s*,"
_Y = rf"\[\s*{_NUMBER}\s*,\s*({_NUMBER})"


@dataclass(frozen=True)
class BBox:
    """A box in longitude/latitude degrees (CRS84); ``minx > maxx`` crosses the antimeridian."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    def __post_init__(self) -> None:
        values = (self.minx, self.miny, self.maxx, self.maxy)
        if not all(math.isfinite(v) for v in values):
            raise InputError("Les coordonnées de la boîte doivent être des nombres finis")
        if not (-180 <= self.minx <= 180 and -180 <= self.maxx <= 180):
            raise InputError("Les longitudes de la boîte doivent être entre -180 et 180")
        if not (-90 <= self.miny <= 90 and -90 <= self.maxy <= 90):
            raise InputError("Les latitudes de la boîte doivent être entre -90 et 90")
        if self.miny > self.maxy:
            raise InputError("La latitude sud de la boîte dépasse sa latitude nord")


def bounds_sql(geometry_sql: str) -> tuple[str, str, str, str]:
    """SQL for (min x, min y, max x, max y) of a GeoJSON geometry text expression."""
    xs = f"CAST(regexp_extract_all({geometry_sql}, {literal(_X)}, 1) AS DOUBLE[])"
    ys = f"CAST(regexp_extract_all({geometry_sql}, {literal(_Y)}, 1) AS DOUBLE[])"
    return (f"list_min({xs})", f"list_min({ys})", f"list_max({xs})", f"list_max({ys})")


def intersects_sql(box: BBox, bounds: tuple[str, str, str, str], params: list[Any]) -> str:
    """Predicate: the row's bounds (SQL expressions) intersect ``box``; values are bound."""
    minx, miny, maxx, maxy = bounds
    params += [box.miny, box.maxy]
    latitude = f"{maxy} >= ? AND {miny} <= ?"
    if box.minx <= box.maxx:
        params += [box.minx, box.maxx]
        return f"({latitude} AND {maxx} >= ? AND {minx} <= ?)"
    params += [box.minx, box.maxx]  # across the antimeridian: east of minx or west of maxx
    return f"({latitude} AND ({maxx} >= ? OR {minx} <= ?))"


def write_bounds(
    con: duckdb.DuckDBPyConnection, data: Path, geometry_sql: str, target: Path
) -> None:
    """Write the bounds table of ``data``: one row per data row, in file order."""
    columns = ", ".join(
        f"{sql} AS {name}"
        for sql, name in zip(bounds_sql(geometry_sql), BOUND_COLUMNS, strict=True)
    )
    source = f"read_parquet({literal(str(data))}, file_row_number = true)"
    con.execute(
        f"COPY (SELECT {columns} FROM {source} ORDER BY file_row_number) "  # noqa: S608
        f"TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
    )


def bounds_path(cache: Path, field: str) -> Path:
    """Where the bounds table of ``field`` lives in a version's cache folder."""
    return cache / f"bounds-{hashlib.sha256(field.encode()).hexdigest()[:16]}.parquet"


def ensure_bounds(con: duckdb.DuckDBPyConnection, data: Path, field: str, cache: Path) -> Path:
    """The bounds table of ``field``, written on first use (atomically: concurrent writers
    write the same content, the last rename wins)."""
    target = bounds_path(cache, field)
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".{uuid.uuid4().hex}.parquet"
        facts = target.with_suffix(".json")
        try:
            write_bounds(con, data, identifier(field), temporary)
            minx, miny, maxx, maxy = BOUND_COLUMNS
            row = con.execute(
                f"SELECT coalesce(bool_and({minx} = {maxx} AND {miny} = {maxy}), TRUE) "  # noqa: S608
                f"FROM read_parquet({literal(str(temporary))})"
            ).fetchone()
            facts.write_text(json.dumps({"points_only": bool(row and row[0])}), encoding="utf-8")
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return target


def points_only(cache: Path, field: str) -> bool:
    """Whether the bounds table of ``field`` (if written) found nothing but points."""
    try:
        facts = json.loads(bounds_path(cache, field).with_suffix(".json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return facts.get("points_only") is True


def bounds_table(bounds: Path) -> str:
    """The bounds table alone, as a FROM item (columns :data:`BOUND_COLUMNS`).

    Parquet scans also expose virtual columns (``file_row_number``...): naming the bounds'
    own columns keeps them from clashing with the data's beside them.
    """
    columns = ", ".join(BOUND_COLUMNS)
    return f"(SELECT {columns} FROM read_parquet({literal(str(bounds))}))"  # noqa: S608


def with_bounds(data_source: str, bounds: Path) -> str:
    """A FROM item of the data beside its bounds table, row by row."""
    return f"{data_source} POSITIONAL JOIN {bounds_table(bounds)} AS __socle_bounds"
