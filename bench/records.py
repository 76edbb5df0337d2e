"""Records API over HTTP on a 1 M-row dataset: Socle vs datasette serving the same rows.

The query: filter (mode and a numeric bound) + sort + limit 100 + total count, as a reuser's
app asks for a page of results. Both servers run on loopback in their own process; one
keep-alive client measures each. Targets: Socle p50 <= 30 ms and >= 20x faster than datasette.

    .venv/bin/python -m bench.records [--rows 1000000] [--requests 50]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import PEERS_BIN, french_csv, sqlite_utils_insert
from socle.config import Settings
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import open_instance

SOCLE_QUERY = {
    "where": "mode = 'vélo' and comptage > 300",
    "order_by": "date_heure desc",
    "limit": "100",
}
DATASETTE_QUERY = {
    "mode": "vélo",
    "comptage__gt": "300",
    "_sort_desc": "date_heure",
    "_size": "100",
}


def public_counting_home(source: Path, folder: Path) -> Path:
    """An instance in ``folder`` holding ``source`` as the public dataset « comptages »."""
    home = folder / "home"
    instance = open_instance(Settings(home=home))
    add_version(instance, ADMIN, source, "comptages", metadata=parse_metadata(access="public"))
    instance.close()
    return home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def measure(url: str, params: dict[str, str], count_key: str, requests: int) -> tuple[float, int]:
    """p50 latency in ms, and the total count the server reported."""
    with httpx.Client(timeout=60) as client:
        for _ in range(3):
            client.get(url, params=params).raise_for_status()
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(url, params=params)
            times.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
        return statistics.median(times), int(response.json()[count_key])


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
        socle_cmd = [sys.executable, "-m", "socle", "serve", "--port", str(port)]
        socle = subprocess.Popen(
            socle_cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/api/v1/datasets", socle)
            url = f"http://127.0.0.1:{port}/api/v1/datasets/comptages/records"
            socle_p50, socle_total = measure(url, SOCLE_QUERY, "total_count", args.requests)
        finally:
            socle.terminate()
            socle.wait()
        print(f"socle      p50 {socle_p50:8.1f} ms  total_count={socle_total}")
        if not (PEERS_BIN / "datasette").exists():
            print("datasette: not installed (run bench/setup.sh)")
            return
        db = Path(tmp) / "peer.db"
        sqlite_utils_insert(source, db)
        port = free_port()
        peer = subprocess.Popen(
            [
                str(PEERS_BIN / "datasette"),
                "serve",
                str(db),
                "--port",
                str(port),
                "--setting",
                "sql_time_limit_ms",
                "60000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", peer)
            url = f"http://127.0.0.1:{port}/peer/comptages.json"
            peer_p50, peer_total = measure(
                url, DATASETTE_QUERY, "filtered_table_rows_count", args.requests
            )
        finally:
            peer.terminate()
            peer.wait()
        print(f"datasette  p50 {peer_p50:8.1f} ms  total_count={peer_total}")
        print(f"ratio datasette / socle = {peer_p50 / socle_p50:.1f}x (target >= 20x)")
        print(f"socle p50 target <= 30 ms: {'met' if socle_p50 <= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
