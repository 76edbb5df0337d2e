"""The cost of one audit-log append, on SQLite and on PostgreSQL.

Each append is what the policy door does for a logged read or a refusal: one transaction of
its own that bumps the head row, inserts the sealed entry and commits. Reported: the median
and p95 of ``--appends`` appends, one after the other; the floor, a transaction inserting one
row into a bare table on the same database (what any logging to the database costs); and
the time ``verify`` takes to recompute the whole chain.

    .venv/bin/python -m bench.audit [--appends 1000] [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from socle.config import Settings
from socle.governance import audit
from socle.governance.policy import ADMIN
from socle.instance import open_instance

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def measure(url: str | None, home: Path, appends: int) -> tuple[float, float, float, float]:
    """(median ms, p95 ms) of one append, median ms of the floor, seconds to verify."""
    instance = open_instance(Settings(home=home, database_url=url))
    engine = instance.db.engine
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE bench_floor (n INTEGER PRIMARY KEY, v TEXT)"))
        timings, floor = [], []
        for n in range(appends):
            start = time.perf_counter()
            with instance.db.session() as session:
                audit.log(session, ADMIN, "write/organization", details={"n": n})
            timings.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO bench_floor VALUES (:n, 'x')"), {"n": n})
            floor.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        assert audit.verify(instance.db).ok
        verify_s = time.perf_counter() - start
    finally:
        instance.close()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    return statistics.median(timings), p95, statistics.median(floor), verify_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--postgres", default=POSTGRES, help="admin URL; empty: skip")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [("SQLite", *measure(None, Path(tmp) / "sqlite", args.appends))]
        if args.postgres:
            admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            name = f"socle_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            try:
                url = sa.engine.make_url(args.postgres).set(database=name)
                measured = measure(url.render_as_string(False), Path(tmp) / "pg", args.appends)
                rows.append(("PostgreSQL", *measured))
            finally:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(f"| backend | append p50 | append p95 | floor p50 | verify {args.appends} entries |")
    print("|---|---|---|---|---|")
    for backend, p50, p95, floor, verify_s in rows:
        print(
            f"| {backend} | {p50:.2f} ms | {p95:.2f} ms | {floor:.2f} ms "
            f"| {verify_s * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
