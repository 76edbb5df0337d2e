"""Each generalisation, checked against values computed here; k-anonymity as a property."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.config import Settings
from socle.core import versions
from socle.errors import InputError
from socle.governance.anonymisation.recipe import parse_recipe
from socle.governance.anonymisation.run import run_recipe
from socle.governance.anonymisation.transform import anonymise
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from tests.governance.anonymisation.conftest import write_csv

Recipe = Callable[..., Path]
PLACES = [
    {"lat": 46.2051, "lon": 5.2255, "cp": "01000", "jour": "2024-01-03"},  # square A
    {"lat": 46.2101, "lon": 5.2301, "cp": "20000", "jour": "2021-01-01"},  # square A
    {"lat": 46.3051, "lon": 5.2255, "cp": "20290", "jour": "2024-12-30"},  # square B
    {"lat": 47.0, "lon": 6.0, "cp": "97411", "jour": "2024-06-15"},  # outside both
    {"lat": 46.2052, "lon": 5.2256, "cp": "1000", "jour": "2024-06-16"},  # code lost its zero
    {"lat": 46.2053, "lon": 5.2257, "cp": "ABCDE", "jour": "2024-06-17"},
]


def square(code: str, west: float, south: float) -> dict[str, Any]:
    ring = [[west, south], [west + 0.1, south], [west + 0.1, south + 0.05], [west, south + 0.05]]
    return {
        "type": "Feature",
        "properties": {"code_insee": code},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }


@pytest.fixture
def places(tmp_path: Path) -> Instance:
    inst = open_instance(Settings(home=tmp_path / "home"))
    rows = [{"id": n, **p} for n, p in enumerate(PLACES)]
    versions.add_version(inst, ADMIN, write_csv(tmp_path / "lieux.csv", rows), "lieux")
    layer = {
        "type": "FeatureCollection",
        "features": [square("01053", 5.2, 46.18), square("01004", 5.2, 46.28)],
    }
    (tmp_path / "communes.geojson").write_text(json.dumps(layer), encoding="utf-8")
    versions.add_version(inst, ADMIN, tmp_path / "communes.geojson", "communes")
    return inst


def run(inst: Instance, recipe_file: Recipe, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    document = {"source": {"dataset": "lieux"}, "output": {"dataset": "sortie"}, "steps": steps}
    run_recipe(inst, ADMIN, recipe_file(document))
    version = versions.get_version(inst, ADMIN, "sortie")
    return pq.read_table(versions.data_paths(inst, version)[0]).sort_by("id").to_pylist()


def test_dates_postal_codes_and_grid(places: Instance, recipe_file: Recipe) -> None:
    rows = run(
        places,
        recipe_file,
        [
            {"step": "generalise_date", "column": "jour", "to": "week"},
            {"step": "generalise_postal_code", "column": "cp"},
            {
                "step": "generalise_coordinates",
                "latitude": "lat",
                "longitude": "lon",
                "to": "grid",
                "size": 1000,
            },
        ],
    )
    assert [r["jour"] for r in rows] == [
        "2024-W01", "2020-W53", "2025-W01", "2024-W24", "2024-W24", "2024-W25",
    ]  # fmt: skip
    assert [r["cp"] for r in rows] == ["01", "2A", "2B", "974", "01", None]
    cell = 1000 / 111_320
    for row, place in zip(rows, PLACES, strict=True):
        assert abs(row["lat"] - place["lat"]) <= cell / 2 + 1e-6
        width = cell / math.cos(math.radians(row["lat"]))
        assert abs(row["lon"] - place["lon"]) <= width / 2 + 1e-6
    # Nearby points share their cell; the grid is the same for everyone.
    assert (rows[0]["lat"], rows[0]["lon"]) == (rows[4]["lat"], rows[4]["lon"])


def test_coordinates_to_communes_with_the_instance_layer(
    places: Instance, recipe_file: Recipe
) -> None:
    layer = {"dataset": "communes", "code": "code_insee"}
    step = {"step": "generalise_coordinates", "latitude": "lat", "longitude": "lon"}
    rows = run(places, recipe_file, [{**step, "to": "commune", "communes": layer}])
    assert [r["commune"] for r in rows] == ["01053", "01053", "01004", None, "01053", "01053"]
    assert "lat" not in rows[0] and "lon" not in rows[0]
    # No such layer: say that only the grid is possible.
    with pytest.raises(InputError, match="seule la généralisation en grille"):
        run(
            places,
            recipe_file,
            [{**step, "to": "commune", "communes": {**layer, "dataset": "iris"}}],
        )


def test_a_step_on_a_missing_or_wrong_column_fails_before_writing(
    places: Instance, recipe_file: Recipe
) -> None:
    with pytest.raises(InputError, match=r"étape 1 \(drop\) : colonne « nom » absente"):
        run(places, recipe_file, [{"step": "drop", "columns": ["nom"]}])
    with pytest.raises(InputError, match="n'est pas une date"):
        run(places, recipe_file, [{"step": "generalise_date", "column": "cp", "to": "year"}])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["a", "b", None]), st.integers(0, 3)),
        min_size=1,
        max_size=60,
    ),
    k=st.integers(2, 6),
)
def test_every_class_left_has_at_least_k_rows(
    tmp_path: Path, rows: list[tuple[Any, ...]], k: int
) -> None:
    source = tmp_path / "t.parquet"
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (x BIGINT, y VARCHAR, s BIGINT)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        con.execute(f"COPY t TO '{source}' (FORMAT parquet)")
    recipe = parse_recipe(
        "source: {dataset: a}\noutput: {dataset: b}\n"
        f"k_anonymity: {{quasi_identifiers: [x, y], k: {k}}}\n"
        "l_diversity: {sensitive: [s]}\n"
    )
    target = tmp_path / "out.parquet"
    outcome = anonymise(
        [source],
        {},
        recipe,
        target,
        pads=None,
        outlines={},
        memory_limit="256MB",
        work_dir=tmp_path,
    )
    out = pq.read_table(target).to_pylist()
    classes = Counter((r["x"], r["y"]) for r in out)
    expected = Counter((x, y) for x, y, _ in rows)
    assert classes == Counter({c: n for c, n in expected.items() if n >= k})
    assert outcome.report["k_anonymity"]["rows_suppressed"] == len(rows) - len(out)
    if out:
        distinct = {c: len({r["s"] for r in out if (r["x"], r["y"]) == c}) for c in classes}
        assert outcome.report["l_diversity"]["l_min"] == min(distinct.values())
