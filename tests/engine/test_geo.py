"""Bounds of GeoJSON text in DuckDB agree with shapely's; the box predicate and the bounds
table behave at the edges (antimeridian, nulls, malformed text, file order)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from socle.engine.geo import (
    BOUND_COLUMNS,
    BBox,
    bounds_sql,
    intersects_sql,
    with_bounds,
    write_bounds,
)
from socle.errors import InputError

coordinate = st.tuples(
    st.floats(-180, 180, allow_nan=False, allow_infinity=False),
    st.floats(-90, 90, allow_nan=False, allow_infinity=False),
)
heights = st.floats(-1000, 9000, allow_nan=False)
points = st.builds(shapely.Point, coordinate)
points_3d = st.builds(lambda c, z: shapely.Point(c[0], c[1], z), coordinate, heights)
lines = st.builds(shapely.LineString, st.lists(coordinate, min_size=2, max_size=6))
polygons = st.builds(
    lambda c, r: shapely.Point(c).buffer(r, quad_segs=2), coordinate, st.floats(0.001, 5)
)
simple = st.one_of(points, points_3d, lines, polygons)
geometries = st.one_of(
    simple,
    st.builds(shapely.MultiPoint, st.lists(points, min_size=1, max_size=4)),
    st.builds(shapely.GeometryCollection, st.lists(simple, min_size=1, max_size=4)),
)


def bounds_of(texts: list[str | None]) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    con.register("t", pa.table({"g": pa.array(texts, pa.string())}))
    return con.execute(f"SELECT {', '.join(bounds_sql('g'))} FROM t").fetchall()


@settings(max_examples=150, deadline=None)
@given(st.lists(geometries, min_size=1, max_size=8))
def test_bounds_match_shapely(shapes: list[shapely.Geometry]) -> None:
    texts = [str(t) for t in shapely.to_geojson(shapes)]
    expected = shapely.bounds(shapes)
    for got, want in zip(bounds_of(texts), expected, strict=True):
        assert got == pytest.approx(tuple(want), abs=1e-9)


def test_missing_or_malformed_geometries_have_no_bounds() -> None:
    texts = [None, "pas du GeoJSON", '{"type":"Point","coordinates":[]}', "{}"]
    assert bounds_of(texts) == [(None, None, None, None)] * 4
    spaced = '{ "type" : "Point" , "coordinates" : [ 1.5e1 , -2 ] }'
    assert bounds_of([spaced]) == [(15.0, -2.0, 15.0, -2.0)]


def rows_in(box: BBox, rows: list[tuple[float, float, float, float]]) -> list[int]:
    con = duckdb.connect()
    columns = {n: [r[i] for r in rows] for i, n in enumerate("abcd")}
    con.register("t", pa.table({"id": range(len(rows)), **columns}))
    params: list[Any] = []
    predicate = intersects_sql(box, ("a", "b", "c", "d"), params)
    found = con.execute(
        f"SELECT id FROM t WHERE {predicate} ORDER BY id",
        params,
    ).fetchall()
    return [r[0] for r in found]


def test_intersection_includes_touching_edges_and_crosses_the_antimeridian() -> None:
    rows = [
        (0.0, 0.0, 1.0, 1.0),  # 0: inside
        (1.0, 1.0, 3.0, 3.0),  # 1: touches the corner
        (-5.0, -5.0, 5.0, 5.0),  # 2: holds the box
        (2.0, 0.0, 3.0, 1.0),  # 3: beside it
        (179.0, 0.0, 179.5, 1.0),  # 4: east of 170
        (-179.5, 0.0, -179.0, 1.0),  # 5: west of -170
    ]
    assert rows_in(BBox(0, 0, 1, 1), rows) == [0, 1, 2]
    assert rows_in(BBox(170, 0, -170, 1), rows) == [4, 5]


@pytest.mark.parametrize(
    "corners",
    [(0, 10, 1, 5), (0, -91, 1, 0), (-181, 0, 0, 1), (0, 0, float("nan"), 1)],
)
def test_impossible_boxes_are_refused(corners: tuple[float, float, float, float]) -> None:
    with pytest.raises(InputError):
        BBox(*corners)


def test_bounds_table_lines_up_with_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    xs = list(range(5000))
    texts = [f'{{"type":"Point","coordinates":[{x % 360 - 180},{x % 180 - 90}]}}' for x in xs]
    pq.write_table(pa.table({"n": xs, "geometry": texts}), data, row_group_size=700)
    bounds = tmp_path / "bounds.parquet"
    con = duckdb.connect()
    write_bounds(con, data, '"geometry"', bounds)
    source = with_bounds(f"read_parquet('{data}')", bounds)
    rows = con.execute(f"SELECT n, {BOUND_COLUMNS[0]}, {BOUND_COLUMNS[1]} FROM {source}").fetchall()
    assert rows == [(x, x % 360 - 180, x % 180 - 90) for x in xs]
