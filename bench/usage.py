"""What counting usage costs a records call: p50 with and without the usage counter.

Two `socle serve` processes on the same instance, one with ``SOCLE_USAGE_STATISTICS=false``,
measured in alternating rounds by one keep-alive client (so drift on a shared machine hits
both alike); then the counting middleware alone, in process, around a do-nothing endpoint.

    .venv/bin/python -m bench.usage [--rows 100000] [--requests 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import french_csv
from bench.records import SOCLE_QUERY, free_port, measure, public_counting_home, wait_until_up
from socle.api.routes import datasets
from socle.api.usage import UsageMiddleware
from socle.config import Settings
from socle.core.usage import UsageCounter
from socle.instance import open_instance


def serve(home: Path, counting: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "SOCLE_HOME": str(home),
        "SOCLE_USAGE_STATISTICS": "true" if counting else "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "socle", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/api/v1/datasets", process)
    return process, f"{base}/api/v1/datasets/comptages/records"


def over_http(home: Path, requests: int, rounds: int) -> dict[bool, list[float]]:
    servers = {counting: serve(home, counting) for counting in (True, False)}
    p50s: dict[bool, list[float]] = {True: [], False: []}
    try:
        for _ in range(rounds):
            for counting, (_, url) in servers.items():
                p50, _total = measure(url, SOCLE_QUERY, "total_count", requests)
                p50s[counting].append(p50)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()
    return p50s


def in_process(home: Path, requests: int) -> tuple[float, float]:
    """Microseconds per request of a bare endpoint, without and with the middleware."""
    instance = open_instance(Settings(home=home))
    route = type("Route", (), {"endpoint": datasets.records})()

    async def endpoint(scope: Any, receive: Any, send: Any) -> None:
        scope["route"], scope["path_params"] = route, {"slug": "comptages"}
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def ignore(_message: Any) -> None:
        return None

    async def nothing() -> Any:
        return {"type": "http.request", "body": b""}

    def timed(app: Any) -> float:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/api/v1/datasets/comptages/records",
            "query_string": b"",
            "headers": [(b"user-agent", b"python-httpx/0.28.1")],
        }

        async def run() -> float:
            start = time.perf_counter()
            for _ in range(requests):
                await app(dict(scope), nothing, ignore)
            return (time.perf_counter() - start) / requests * 1e6

        return asyncio.run(run())

    counter = UsageCounter(instance.db)
    bare, counted = timed(endpoint), timed(UsageMiddleware(endpoint, counter))
    counter.flush()
    instance.close()
    return bare, counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    source = french_csv(args.rows)
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        home = public_counting_home(source, Path(tmp))
        p50s = over_http(home, args.requests, args.rounds)
        bare, counted = in_process(home, 100_000)
    on, off = statistics.median(p50s[True]), statistics.median(p50s[False])
    print(f"records p50 over HTTP, median of {args.rounds} rounds of {args.requests} requests:")
    print(f"  with counting    {on:7.2f} ms   rounds {[round(p, 2) for p in p50s[True]]}")
    print(f"  without counting {off:7.2f} ms   rounds {[round(p, 2) for p in p50s[False]]}")
    print(f"  difference       {on - off:+7.2f} ms ({(on - off) / off:+.1%})")
    print(f"middleware alone: {bare:.1f} µs bare endpoint, {counted:.1f} µs counted")
    print(f"  counting costs {counted - bare:.1f} µs a request")


if __name__ == "__main__":
    main()
