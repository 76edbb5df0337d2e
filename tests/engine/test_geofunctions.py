"""ODSQL's geographic functions: literals, SQL with bound values, and answers on small files
of points, lines, polygons and geopoints — with and without the version's bounds table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.engine import RecordQuery, run_records
from socle.engine._shapes import _distance, azimuthal_equidistant
from socle.engine.compiler import GeoContext, compile_where
from socle.engine.geo import BOUND_COLUMNS, points_only
from socle.engine.geofunctions import (
    EARTH_RADIUS,
    circle_box,
    parse_distance,
    parse_geometry,
)
from socle.errors import LimitExceededError, QuerySyntaxError

SCHEMA = {
    "fields": [
        {"name": "nom", "type": "string"},
        {"name": "geometry", "type": "geojson"},
        {"name": "position", "type": "geopoint"},
    ]
}
SHAPES: list[tuple[str, dict[str, Any] | None, str | None]] = [
    ("gare", {"type": "Point", "coordinates": [5.0, 46.0]}, "5.0, 46.0"),
    ("poste", {"type": "Point", "coordinates": [5.01, 46.0]}, "[5.01, 46.0]"),
    ("bord", {"type": "Point", "coordinates": [5.5, 46.2]}, '{"lon": 5.5, "lat": 46.2}'),
    ("route", {"type": "LineString", "coordinates": [[4.0, 45.0], [4.2, 45.2]]}, None),
    (
        "parc",
        {"type": "Polygon", "coordinates": [[[7, 44], [8, 44], [8, 45], [7, 45], [7, 44]]]},
        "7.5,44.5",
    ),
    ("multi", {"type": "MultiPoint", "coordinates": [[6, 46], [6.5, 46.5]]}, None),
    ("vide", None, None),
    ("casse", {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, None),
]


def write_shapes(folder: Path) -> Path:
    path = folder / "data.parquet"
    table = pa.table(
        {
            "nom": [n for n, _, _ in SHAPES],
            "geometry": [json.dumps(g) if g else None for _, g, _ in SHAPES],
            "position": [p for _, _, p in SHAPES],
        }
    )
    pq.write_table(table, path)
    return path


@pytest.fixture(params=[False, True], ids=["inline-bounds", "bounds-table"])
def geo(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[Path], Path | None]:
    return [write_shapes(tmp_path)], (tmp_path / "cache" if request.param else None)


def names(geo: tuple[list[Path], Path | None], where: str) -> list[str]:
    paths, cache = geo
    query = RecordQuery(where=where, select="nom", order_by="nom", limit=100)
    _, rows = run_records(paths, SCHEMA, query, geo_cache=cache)
    return [r["nom"] for r in rows]


NORTH = ["bord", "gare", "multi", "poste"]  # north of the line from (4, 45) to (9, 47)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        # within_distance: points by haversine, other shapes by their nearest part
        ("within_distance(geometry, geom'POINT(5 46)', 500m)", ["gare"]),
        ("within_distance(geometry, geom'POINT(5 46)', 780m)", ["gare", "poste"]),  # 773 m
        ("within_distance(geometry, geom'POINT(5 46)', 770m)", ["gare"]),
        ("within_distance(geometry, GEOM'POINT(5 46)', 0.5mi)", ["gare", "poste"]),  # 805 m
        ("within_distance(geometry, geom'POINT(5 46)', 2500ft)", ["gare"]),  # 762 m
        ("within_distance(geometry, geom'POINT(5 46)', 850yd)", ["gare", "poste"]),  # 777 m
        ("within_distance(geometry, geom'POINT(5 46)', 77000cm)", ["gare"]),
        ("within_distance(geometry, geom'POINT(5 46)', 1 km)", ["gare", "poste"]),
        ("within_distance(geometry, geom'POINT(5 46)', 800)", ["gare", "poste"]),  # metres
        ("within_distance(geometry, geom'POINT(5 46)', 0m)", ["gare"]),
        ("within_distance(geometry, geom'POINT(4.1 45.0)', 7km)", ["route"]),  # 6.4 km away
        ("within_distance(geometry, geom'POINT(4.1 45.0)', 6km)", []),
        ("within_distance(geometry, geom'POINT(7.5 44.5)', 1m)", ["parc"]),  # inside
        ("within_distance(geometry, geom'POINT(8.01 44.5)', 1km)", ["parc"]),  # 793 m east
        ("within_distance(geometry, geom'POINT(8.01 44.5)', 700m)", []),
        ("within_distance(geometry, geom'POINT(6.5 46.5)', 10m)", ["multi"]),
        ('within_distance(geometry, geom\'{"type":"Point","coordinates":[5,46]}\', 1m)', ["gare"]),
        ("distance(geometry, geom'POINT(5 46)', 500m)", ["gare"]),  # ODS v2.0's name
        # in_bbox: latitude first; edges and corners included; exact for every shape
        ("in_bbox(geometry, 45.9, 4.9, 46.2, 5.5)", ["bord", "gare", "poste"]),
        ("in_bbox(geometry, 46.2, 5.5, 45.9, 4.9)", ["bord", "gare", "poste"]),  # any corners
        ("in_bbox(geometry, 46.2, 5.5, 46.3, 5.6)", ["bord"]),  # on a corner
        ("in_bbox(geometry, 45.1, 4.0, 45.2, 4.05)", []),  # box meets the line's box only
        ("in_bbox(geometry, 45.0, 4.0, 45.2, 4.05)", ["route"]),
        ("in_bbox(geometry, 44.2, 7.2, 44.3, 7.3)", ["parc"]),  # inside the polygon
        ("in_bbox(geometry, 46.1, 6.1, 46.4, 6.4)", []),  # between the multipoint's points
        ("in_bbox(geometry, -90, -180, 90, 180)", [n for n, g, _ in sorted(SHAPES) if g]),
        # intersects / within / disjoint: box prefilter, then shapely
        ("intersects(geometry, geom'POLYGON((4.05 45,4.15 45,4.15 45.2,4.05 45))')", ["route"]),
        ("intersects(geometry, geom'POLYGON((4.1 45, 4.3 45, 4.3 45.1, 4.1 45))')", []),
        ("intersects(geometry, geom'LINESTRING(6.9 44.5, 7.1 44.5)')", ["parc"]),
        ("intersects(geometry, geom'POINT(8 45)')", ["parc"]),  # a corner touches
        ("intersects(geometry, 'POINT(5 46)')", ["gare"]),  # a plain string works too
        # the bow-tie "casse" is repaired into two triangles before any test
        ("intersects(geometry, geom'POLYGON((.8 .4, .9 .4, .9 .6, .8 .4))')", ["casse"]),
        ("within(geometry, geom'POLYGON((4.9 45.9,5.6 45.9,5.6 46.3,4.9 45.9))')", ["bord"]),
        ("within(geometry, geom'POLYGON((6.9 43.9, 8.1 43.9, 8.1 44.9, 6.9 44.9, 6.9 43.9))')", []),
        ("disjoint(geometry, geom'POLYGON((4 45, 9 45, 9 47, 4 45))') and nom != 'casse'", NORTH),
        ("not in_bbox(geometry, 44, 4, 47, 8.5)", ["casse", "vide"]),
        ("in_bbox(geometry, 45.9, 4.9, 46.1, 5.0) or nom = 'vide'", ["gare", "vide"]),
        # geopoint fields: "lon, lat", [lon, lat] and {"lon", "lat"} alike, all in SQL
        ("within_distance(position, geom'POINT(5 46)', 1km)", ["gare", "poste"]),
        ("in_bbox(position, 46.2, 5.5, 46.2, 5.5)", ["bord"]),
        ("intersects(position, geom'POLYGON((7 44, 8 44, 8 45, 7 44))')", ["parc"]),
    ],
)  # fmt: skip
def test_geo_functions(
    geo: tuple[list[Path], Path | None], where: str, expected: list[str]
) -> None:
    assert names(geo, where) == expected


def test_bounds_table_is_written_once_and_only_when_read(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    geo = ([write_shapes(tmp_path)], cache)
    names(geo, "nom = 'gare'")
    assert not cache.exists()
    names(geo, "in_bbox(geometry, 45, 4, 47, 6)")
    [written] = cache.glob("*.parquet")
    assert pq.read_metadata(written).num_rows == len(SHAPES)
    assert not points_only(cache, "geometry")  # lines and polygons too
    assert names(geo, "in_bbox(geometry, 45, 4, 47, 6) and nom like 'g%'") == ["gare"]


def test_values_are_bound_never_spliced() -> None:
    params: list[Any] = []
    context = GeoContext({"geometry": BOUND_COLUMNS})
    fields = {"geometry": "geojson", "nom": "string"}
    where = "intersects(geometry, geom'POLYGON((1.5 2.5, 3 2.5, 3 4, 1.5 2.5))') and nom = 'x'"
    sql = compile_where(where, fields, params, context)
    assert "POLYGON" not in sql and "1.5" not in sql and "2.5" not in sql
    assert context.used == {"geometry"}
    assert shapely.from_wkb(next(p for p in params if isinstance(p, bytes))).area == 1.125
    assert sql.count("?") == len(params)
    params = []
    where = "within_distance(geometry, geom'POINT(1.25 2.75)', 3.5km)"
    sql = compile_where(where, fields, params, GeoContext({"geometry": BOUND_COLUMNS}))
    assert "1.25" not in sql and "2.75" not in sql and "3500" not in sql
    assert sql.count("?") == len(params) and 3500.0 in params


@pytest.mark.parametrize(
    ("text", "metres"),
    [("1km", 1000), ("250 m", 250), ("2mi", 3218.688), ("3yd", 2.7432), ("10ft", 3.048),
     ("5cm", 0.05), ("7mm", 0.007), ("1.5KM", 1500), ("12", 12)],
)  # fmt: skip
def test_distance_units(text: str, metres: float) -> None:
    assert parse_distance(text) == pytest.approx(metres)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("within_distance(geometry, geom'POINT(5 46', 1km)", "illisible"),
        ("within_distance(geometry, geom'POINT(a b)', 1km)", "illisible"),
        ("within_distance(geometry, geom'{\"type\": \"Point\"}', 1km)", "illisible"),
        ("within_distance(geometry, geom'POINT EMPTY', 1km)", "vide"),
        ("within_distance(geometry, geom'POINT(46 200)', 1km)", "hors limites"),
        ("within_distance(geometry, geom'POINT(nan 2)', 1km)", "finis"),
        ("within_distance(geometry, geom'LINESTRING(1 1, 2 2)', 1km)", "un point"),
        ("within_distance(geometry, geom'POINT(5 46)')", "s'écrit within_distance"),
        ("within_distance(geometry, geom'POINT(5 46)', 'loin')", "Distance attendue"),
        ("within_distance(geometry, geom'POINT(5 46)', -3)", "Distance attendue"),
        ("within_distance(geometry, 5, 1km)", "Géométrie attendue"),
        ("within_distance(nom, geom'POINT(5 46)', 1km)", "pas un champ géographique"),
        ("within_distance(inconnu, geom'POINT(5 46)', 1km)", "Champ inconnu"),
        ("within_distance(geom'POINT(5 46)', geometry, 1km)", "d'abord à un champ"),
        ("in_bbox(geometry, 46, 5, 47)", "s'écrit in_bbox"),
        ("in_bbox(geometry, 46, 5, 47, 'six')", "Coordonnée numérique"),
        ("in_bbox(geometry, 95, 5, 47, 6)", "latitudes"),
        ("in_bbox(geometry, 46, 5, 47, 190)", "longitudes"),
        ("intersects(geometry, geom'POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))')", "invalide"),
        ("intersects(geometry, geom'POLYGON((0 0, 1 0, 1 1))')", "illisible"),
        ("intersects(geometry, geom'CIRCLE(0 0, 1)')", "illisible"),
        ("intersects(geometry, 1km)", "Géométrie attendue"),
        ("geometry(geometry, geom'POINT(5 46)', INTERSECTS)", "intersects()"),
        ("within_distance(geometry, geom'POINT(5 46)', 1km) = 3", "inattendu"),
    ],
)  # fmt: skip
def test_misuse_is_a_clear_query_error(
    geo: tuple[list[Path], Path | None], where: str, message: str
) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        names(geo, where)


def test_geometry_literals_are_bounded() -> None:
    ring = ", ".join(f"{math.cos(i / 1000):.3f} {math.sin(i / 1000):.3f}" for i in range(10_001))
    with pytest.raises(ValueError, match="trop grande"):
        parse_geometry(f"LINESTRING({ring})")
    polygon = "POLYGON((" + ", ".join(["1 1", "2 1", "2 2"] * 400) + ", 1 1))"
    with pytest.raises((QuerySyntaxError, LimitExceededError)):
        names(([Path("unused.parquet")], None), f"intersects(geometry, geom'{polygon}')")
    assert parse_geometry("POINT Z (1 2 3)").has_z is False


# Distances against independent computations --------------------------------------------


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[tuple[float, float]]]:
    """400 points around Bourg-en-Bresse and on the way to the pole, as GeoJSON text."""
    points = [(-5 + (i * 7.3) % 15, 40 + (i * 3.1) % 49) for i in range(200)] + [
        (5.2 + (i % 20) * 0.01, 46.2 + (i // 20) * 0.01) for i in range(200)
    ]
    texts = [json.dumps({"type": "Point", "coordinates": list(p)}) for p in points]
    path = tmp_path_factory.mktemp("cloud") / "data.parquet"
    pq.write_table(pa.table({"n": list(range(len(points))), "geometry": texts}), path)
    return [path], points


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lon=st.floats(-5, 10),
    lat=st.floats(40, 89),
    metres=st.floats(1, 3_000_000),
)
def test_within_distance_on_points_agrees_with_haversine(
    cloud: tuple[list[Path], list[tuple[float, float]]], lon: float, lat: float, metres: float
) -> None:
    paths, points = cloud
    where = f"within_distance(geometry, geom'POINT({lon!r} {lat!r})', {metres!r})"
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "geometry", "type": "geojson"}]}
    query = RecordQuery(where=where, select="n", limit=None)
    # The first call writes the bounds table; the next ones know the layer holds only points.
    _, rows = run_records(paths, schema, query, geo_cache=paths[0].parent / "cache")
    assert points_only(paths[0].parent / "cache", "geometry")
    found = {r["n"] for r in rows}
    for n, (x, y) in enumerate(points):
        d = haversine(lon, lat, x, y)
        if abs(d - metres) > 1e-6 * metres:  # rounding may go either way on the circle itself
            assert (n in found) == (d <= metres), (n, d, metres)


@given(
    lon=st.floats(-179, 179),
    lat=st.floats(-89, 89),
    metres=st.floats(1, 5_000_000),
    bearing=st.floats(0, 360),
)
def test_circle_box_holds_the_circle(lon: float, lat: float, metres: float, bearing: float) -> None:
    """The point at ``metres`` in any direction (the direct geodesic problem) is in the box."""
    angle, theta, phi = metres / EARTH_RADIUS, math.radians(bearing), math.radians(lat)
    sin_lat2 = math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(theta)
    lat2 = math.asin(sin_lat2)
    east = math.sin(theta) * math.sin(angle) * math.cos(phi)
    lon2 = lon + math.degrees(math.atan2(east, math.cos(angle) - math.sin(phi) * sin_lat2))
    lon2 = (lon2 + 180) % 360 - 180
    box = circle_box(lon, lat, metres)
    assert box.miny <= math.degrees(lat2) <= box.maxy
    if box.minx <= box.maxx:
        assert box.minx - 1e-7 <= lon2 <= box.maxx + 1e-7
    else:
        assert lon2 >= box.minx - 1e-7 or lon2 <= box.maxx + 1e-7


def test_distance_to_shapes_matches_dense_sampling() -> None:
    """Projected distances to a line agree with the nearest of 20,000 points along it."""
    centre = (5.0, 46.0)
    line = [(5.2, 45.5), (6.5, 46.8)]
    coords = azimuthal_equidistant(np.array(line), *centre)
    assert math.hypot(*coords[0]) == pytest.approx(haversine(*centre, *line[0]), rel=1e-12)
    texts = pa.array([json.dumps({"type": "LineString", "coordinates": [list(p) for p in line]})])
    measured = _distance(texts, pa.array([centre[0]]), pa.array([centre[1]]))[0].as_py()
    (x1, y1), (x2, y2) = line
    steps = (i / 20_000 for i in range(20_001))
    samples = min(haversine(*centre, x1 + t * (x2 - x1), y1 + t * (y2 - y1)) for t in steps)
    assert measured == pytest.approx(samples, abs=2.0)


@pytest.mark.parametrize(
    "where",
    [
        "in_bbox(geometry, 46.2, 5.2, 46.3, 5.3)",
        "intersects(geometry, geom'POLYGON((5.2 46.2, 5.3 46.2, 5.3 46.3, 5.2 46.2))')",
        "within(geometry, geom'POLYGON((5.2 46.2, 5.3 46.2, 5.3 46.3, 5.2 46.2))')",
        "disjoint(geometry, geom'POLYGON((5.2 46.2, 5.3 46.2, 5.3 46.3, 5.2 46.2))')",
    ],
)
def test_points_only_layers_answer_as_any_other(
    cloud: tuple[list[Path], list[tuple[float, float]]], where: str
) -> None:
    """Once the bounds table says "only points", answers come from it alone, unchanged."""
    paths, _ = cloud
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "geometry", "type": "geojson"}]}
    query = RecordQuery(where=where, select="n", order_by="n", limit=None)
    cache = paths[0].parent / "cache"
    answers = [run_records(paths, schema, query, geo_cache=c)[1] for c in (None, cache, cache)]
    assert points_only(cache, "geometry")
    assert answers[0] == answers[1] == answers[2] and 0 < len(answers[0]) < 400
