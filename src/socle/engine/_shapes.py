"""Exact geometry tests for the rows a box prefilter kept, as DuckDB functions over Arrow.

DuckDB calls these with a batch of rows at a time (up to 2,048) and shapely works on the whole
batch in C: no Python loop per row. They only ever see the rows a ``CASE`` lets through (see
:mod:`socle.engine.geofunctions`), so their cost follows the number of candidates, not the
table's size.

- ``socle_geo_relate(geojson, wkb, 'intersects' | 'within')``: planar relation in
  longitude/latitude, as GeoJSON (RFC 7946) draws its edges;
- ``socle_geo_distance(geojson, lon, lat)``: metres from the point to the shape, on the
  sphere: the shape, its edges cut every :data:`SEGMENT_DEGREES`, is projected in the
  azimuthal equidistant projection centred on the point, where the distance from the centre
  to any position is its great-circle distance. The projection is the sphere's closed formula
  (Snyder, *Map Projections — A Working Manual*, § 25) in numpy: pyproj's transformers crash
  when first built in one of DuckDB's worker threads.

A row whose text is not a geometry gives no match; an invalid shape (a bow-tie polygon) is
repaired with ``make_valid`` first, so that GEOS never raises in the middle of a query.
"""

from __future__ import annotations

from functools import partial

import duckdb
import numpy as np
import pyarrow as pa
import shapely
from duckdb import PythonExceptionHandling, sqltypes
from duckdb.func import ARROW

from socle.engine.geofunctions import EARTH_RADIUS

SEGMENT_DEGREES = 0.01  # about 1.1 km: the edges' curvature in the projection stays sub-metre


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Declare the functions on a connection (its cursors see them)."""
    varchar, double = sqltypes.VARCHAR, sqltypes.DOUBLE
    con.create_function(
        "socle_geo_relate",
        _relate,
        [varchar, sqltypes.BLOB, varchar],
        sqltypes.BOOLEAN,
        type=ARROW,
        exception_handling=PythonExceptionHandling.RETURN_NULL,
    )
    con.create_function(
        "socle_geo_distance",
        _distance,
        [varchar, double, double],
        double,
        type=ARROW,
        exception_handling=PythonExceptionHandling.RETURN_NULL,
    )


def _shapes(texts: pa.Array) -> np.ndarray:
    """Shapes of GeoJSON texts; None for a missing or unreadable one, invalid ones repaired."""
    shapes = shapely.from_geojson(texts.to_numpy(zero_copy_only=False), on_invalid="ignore")
    present = ~shapely.is_missing(shapes)
    broken = present.copy()
    broken[present] = ~shapely.is_valid(shapes[present])
    if broken.any():
        shapes[broken] = shapely.make_valid(shapes[broken])
    return shapes  # type: ignore[no-any-return]


def _relate(texts: pa.Array, wkbs: pa.Array, names: pa.Array) -> pa.Array:
    shapes = _shapes(texts)
    # Read and prepared per batch: DuckDB's threads call at once, and a prepared geometry
    # builds its index lazily, so one shared between threads could race.
    query = shapely.from_wkb(wkbs[0].as_py())
    shapely.prepare(query)
    test = shapely.within if names[0].as_py() == "within" else shapely.intersects
    return pa.array(test(shapes, query), type=pa.bool_())


def azimuthal_equidistant(coordinates: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """(lon, lat) degrees -> metres east and north of (lon, lat), keeping distances to it."""
    phi0 = np.radians(lat)
    phi, dlon = np.radians(coordinates[:, 1]), np.radians(coordinates[:, 0] - lon)
    east = np.cos(phi) * np.sin(dlon)
    north = np.cos(phi0) * np.sin(phi) - np.sin(phi0) * np.cos(phi) * np.cos(dlon)
    along = np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(dlon)
    sine = np.hypot(east, north)  # sin of the central angle
    angle = np.arctan2(sine, along)
    scale = np.divide(
        EARTH_RADIUS * angle, sine, out=np.full_like(sine, EARTH_RADIUS), where=sine > 0
    )
    return np.column_stack((east * scale, north * scale))


def _distance(texts: pa.Array, lons: pa.Array, lats: pa.Array) -> pa.Array:
    shapes = shapely.segmentize(_shapes(texts), SEGMENT_DEGREES)
    centred = partial(azimuthal_equidistant, lon=lons[0].as_py(), lat=lats[0].as_py())
    distances = shapely.distance(shapely.transform(shapes, centred), shapely.Point(0, 0))
    return pa.array(distances, type=pa.float64(), from_pandas=True)  # NaN (no shape): null
