"""What the policy door costs a records call: a restricted partner vs. the door's bare path.

One `socle serve`, one 1 M-row counting file stored twice (two versions of one CSV):

- « comptages », level ``partners``, owned by « agglo »; the agreement of the partner
  « transdev » exposes six of its eight columns and the rows outside one commune. The
  partner's member calls with an API token: the door resolves the token, loads the user's
  memberships and shares, decides, narrows the schema and adds the agreement's row filter to
  the query, and appends the read to the audit log (a non-public read).
- « comptages-ouvert », level ``public``, read anonymously with the same six columns named in
  ``select`` and the agreement's row filter written into ``where``: the same engine work
  (same columns, rows, sort, page and count) with the door doing its least (no token, no
  membership, no share, no audit entry).

Both answers must be equal, row for row. Requests alternate between the two in rounds, so
both see the same load. Target: the door adds at most 10 % to the p50.

    .venv/bin/python -m bench.policy [--rows 1000000] [--requests 50]
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
from typing import Any

import httpx

from bench.common import french_csv
from bench.records import SOCLE_QUERY, free_port, wait_until_up
from socle.config import Settings
from socle.core.agreements import add_agreement
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import open_instance

TARGET = 1.10
COLUMNS = ["identifiant_compteur", "code_insee", "commune", "date_heure", "mode", "comptage"]
ROWS = "code_insee != '01451'"  # every commune but Viriat
# bench.records' query, its sort made total so that both sides must return the same page.
QUERY = {**SOCLE_QUERY, "order_by": "date_heure desc, identifiant_compteur"}


def partner_home(source: Path, folder: Path) -> tuple[Path, str]:
    """The instance described above; returns its home and the partner's token."""
    home = folder / "home"
    instance = open_instance(Settings(home=home))
    create_organization(instance, "agglo", "Agglomération")
    create_organization(instance, "transdev", "Délégataire transport")
    for slug, level in (("comptages", "partners"), ("comptages-ouvert", "public")):
        metadata = parse_metadata(access=level)
        add_version(instance, ADMIN, source, slug, organization="agglo", metadata=metadata)
    add_agreement(
        instance,
        ADMIN,
        "transport",
        title="Convention transport",
        organization="agglo",
        partner="transdev",
        datasets=["comptages"],
        columns=COLUMNS,
        rows=ROWS,
    )
    user = create_user(instance, "partenaire@exemple.fr", "une phrase de passe solide")
    set_membership(instance, "transdev", "partenaire@exemple.fr", "partner")
    secret = create_token(instance, user.id, "bench", "read")[1]
    instance.close()
    return home, secret


def timed(client: httpx.Client, call: tuple[str, dict[str, str], dict[str, str]]) -> Any:
    url, params, headers = call
    start = time.perf_counter()
    response = client.get(url, params=params, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return elapsed, response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    source = french_csv(args.rows)
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        home, secret = partner_home(source, Path(tmp))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "socle", "serve", "--port", str(port)],
            env={**os.environ, "SOCLE_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}/api/v1/datasets"
        bare_query = {
            **QUERY,
            "select": ",".join(COLUMNS),
            "where": f"({ROWS}) and ({QUERY['where']})",
        }
        calls = {
            "door": (
                f"{base}/comptages/records",
                QUERY,
                {"Authorization": f"Bearer {secret}"},
            ),
            "bare": (f"{base}/comptages-ouvert/records", bare_query, {}),
        }
        times: dict[str, list[float]] = {name: [] for name in calls}
        try:
            wait_until_up(f"{base}", server)
            with httpx.Client(timeout=60) as client:
                answers = {name: timed(client, call)[1] for name, call in calls.items()}
                door, bare = answers["door"], answers["bare"]
                if (door["total_count"], door["results"]) != (bare["total_count"], bare["results"]):
                    raise SystemExit("the two sides do not answer the same rows")
                for _ in range(2):
                    for call in calls.values():
                        timed(client, call)  # warm-up: caches, Parquet metadata
                for _ in range(args.requests):
                    for name, call in calls.items():
                        times[name].append(timed(client, call)[0])
        finally:
            server.terminate()
            server.wait()
    for name, values in times.items():
        p50 = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"{name:5s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    print(f"total_count={door['total_count']} on both sides, same {len(door['results'])} rows")
    ratio = statistics.median(times["door"]) / statistics.median(times["bare"])
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio door / bare = {ratio:.3f} (target <= {TARGET}: {verdict})")


if __name__ == "__main__":
    main()
