"""Ingest of a 1 M-row French CSV: Socle end to end vs DuckDB bare vs sqlite-utils.

Socle's time covers everything `socle ingest` does once the instance exists: byte-for-byte
copy of the raw file, encoding/dialect sniffing, exact type inference, Parquet writing,
checksums and the metadata commit. Target: Socle <= 2x DuckDB bare.

    .venv/bin/python -m bench.ingest [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb

from bench.common import PEERS_BIN, french_csv, median_seconds, sqlite_utils_insert
from socle.config import Settings
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance


def duckdb_bare(source: Path, work: Path) -> None:
    target = work / "bare.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)"
    )
    target.unlink()


def socle_ingest(instance: Instance, source: Path, run: list[int]) -> None:
    """One `socle ingest` into an existing instance (a new dataset each run)."""
    run[0] += 1
    add_version(instance, ADMIN, source, f"comptages-{run[0]}")


def sqlite_utils_peer(source: Path, work: Path) -> None:
    db = work / "peer.db"
    sqlite_utils_insert(source, db)
    db.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = french_csv(args.rows)
    size_mb = source.stat().st_size / 1e6
    print(f"file: {source.name}, {args.rows:,} rows, {size_mb:.0f} MB")
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        work = Path(tmp)
        bare, bare_runs = median_seconds(lambda: duckdb_bare(source, work), args.repeat)
        instance = open_instance(Settings(home=work / "socle-home"))
        runs = [0]
        socle, socle_runs = median_seconds(
            lambda: socle_ingest(instance, source, runs), args.repeat
        )
        instance.close()
        print(f"duckdb bare   median {bare:6.2f} s  runs {[round(t, 2) for t in bare_runs]}")
        print(f"socle ingest  median {socle:6.2f} s  runs {[round(t, 2) for t in socle_runs]}")
        if (PEERS_BIN / "sqlite-utils").exists():
            peer, _ = median_seconds(lambda: sqlite_utils_peer(source, work), 1)
            print(f"sqlite-utils  single {peer:6.2f} s")
            print(f"ratio sqlite-utils / socle = {peer / socle:.1f}x")
        else:
            print("sqlite-utils: not installed (run bench/setup.sh)")
    print(f"ratio socle / duckdb bare = {socle / bare:.2f}x (target <= 2.00x)")


if __name__ == "__main__":
    main()
