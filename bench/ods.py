"""Opendatasoft-compatible records vs Socle's native records, same server, same 1 M rows.

The query is bench.records' (filter + sort + limit 100 + total count), sent to
``/api/v1/datasets/comptages/records`` and to ``/api/explore/v2.1/catalog/datasets/comptages/
records``. Requests alternate between the two in rounds, so both see the same machine load.
Target: ODS p50 within 1.2x of native.

    .venv/bin/python -m bench.ods [--rows 1000000] [--requests 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import french_csv
from bench.records import SOCLE_QUERY, free_port, public_counting_home, wait_until_up

TARGET = 1.2


def timed(client: httpx.Client, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(url, params=SOCLE_QUERY)
    elapsed = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return elapsed, int(response.json()["total_count"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    source = french_csv(args.rows)
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        home = public_counting_home(source, Path(tmp))
        port = free_port()
        env = {**os.environ, "SOCLE_HOME": str(home)}
        server = subprocess.Popen(
            [sys.executable, "-m", "socle", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        urls = {
            "native": f"{base}/api/v1/datasets/comptages/records",
            "ods": f"{base}/api/explore/v2.1/catalog/datasets/comptages/records",
        }
        times: dict[str, list[float]] = {name: [] for name in urls}
        totals: dict[str, int] = {}
        try:
            wait_until_up(f"{base}/api/v1/datasets", server)
            with httpx.Client(timeout=60) as client:
                for url in urls.values():
                    for _ in range(3):
                        timed(client, url)  # warm-up: caches, Parquet metadata
                for _ in range(args.requests):
                    for name, url in urls.items():
                        elapsed, totals[name] = timed(client, url)
                        times[name].append(elapsed)
        finally:
            server.terminate()
            server.wait()
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:7s} p50 {median:8.1f} ms  total_count={totals[name]}")
    ratio = medians["ods"] / medians["native"]
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio ods / native = {ratio:.2f}x (target <= {TARGET}x: {verdict})")


if __name__ == "__main__":
    main()
