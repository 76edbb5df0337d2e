"""Geographic filters of the query language over HTTP, on 1 M points.

``within_distance`` and ``in_bbox`` on the native records endpoint (a page of 100 and the
total count), beside an unfiltered page and a filter on a number for scale, plus an
``intersects`` whose candidates go through shapely. The first geographic query of a version
writes its bounds table (one pass over the geometries): it is timed apart, as "cold".
No target: the figures say what a reuser's map or proximity search costs. The ingest gets 4 GB
of memory: the GeoJSON reader needs more than the default 1 GB for one 110 MB document.

    .venv/bin/python -m bench.geo [--rows 1000000] [--requests 30]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import geo_points
from bench.records import free_port, measure, wait_until_up
from socle.config import Settings
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import open_instance

NEAR = "within_distance(geometry, geom'POINT(5.2258 46.2052)', 1km)"
QUERIES = {
    "no filter": {},
    "n < 1000 (numeric, for scale)": {"where": "n < 1000"},
    "within_distance 1km": {"where": NEAR},
    "within_distance 10km": {"where": NEAR.replace("1km", "10km")},
    "in_bbox ~2x2 km": {"where": "in_bbox(geometry, 46.195, 5.21, 46.215, 5.24)"},
    "in_bbox ~20x20 km": {"where": "in_bbox(geometry, 46.1, 5.1, 46.3, 5.35)"},
    "intersects triangle": {
        "where": "intersects(geometry, geom'POLYGON((5.2 46.19,5.25 46.19,5.25 46.22,5.2 46.19))')"
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    source = geo_points(args.rows)
    print(f"points file {source.name}: {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        home = Path(tmp) / "home"
        instance = open_instance(Settings(home=home, ingest_memory_limit="4GB"))
        start = time.perf_counter()
        add_version(instance, ADMIN, source, "points", metadata=parse_metadata(access="public"))
        print(f"ingest: {time.perf_counter() - start:.1f} s")
        instance.close()
        port = free_port()
        env = {**os.environ, "SOCLE_HOME": str(home)}
        command = [sys.executable, "-m", "socle", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/api/v1/datasets", server)
            url = f"http://127.0.0.1:{port}/api/v1/datasets/points/records"
            page = {"limit": "100", "select": "n, commune, geometry"}
            start = time.perf_counter()
            httpx.get(url, params={**page, **QUERIES["in_bbox ~2x2 km"]}, timeout=120)
            print(f"cold (writes the bounds table): {(time.perf_counter() - start) * 1000:.0f} ms")
            for label, query in QUERIES.items():
                p50, total = measure(url, {**page, **query}, "total_count", args.requests)
                print(f"{label:32s} p50 {p50:8.1f} ms  total_count={total}")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
