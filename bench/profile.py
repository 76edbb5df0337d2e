"""Profiling of a 1 M-row version: Socle's profile vs DuckDB's bare SUMMARIZE.

The counting CSV is ingested once with Socle's reader; both tools then profile the same
Parquet file. SUMMARIZE computes, per column, min/max, approximate distinct count,
average, standard deviation, quartiles and null share. Socle's profile adds exact distinct
counts, top values, histograms and semantic types (csv-detective's formats). Target:
Socle <= 2 s on the 1 M-row file.

    .venv/bin/python -m bench.profile [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb

from bench.common import french_csv, median_seconds
from socle.ingest import ReadOptions, read_file
from socle.quality.profile import profile_parquet
from socle.sql import parquet_source

TARGET_SECONDS = 2.0


def summarize(parquet: Path) -> None:
    con = duckdb.connect()
    con.execute(f"SUMMARIZE SELECT * FROM {parquet_source([parquet])}").fetchall()
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = french_csv(args.rows)
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        parquet = Path(tmp) / "data.parquet"
        result = read_file(source, parquet, ReadOptions())
        size_mb = parquet.stat().st_size / 1e6
        print(f"file: {source.name} -> Parquet {size_mb:.1f} MB, {result.row_count:,} rows")
        profiles = []
        socle, runs = median_seconds(
            lambda: profiles.append(profile_parquet(parquet, result.schema)), args.repeat
        )
        bare, bare_runs = median_seconds(lambda: summarize(parquet), args.repeat)
    print(f"socle profile     median {socle:6.2f} s  runs {[round(t, 2) for t in runs]}")
    print(f"duckdb SUMMARIZE  median {bare:6.2f} s  runs {[round(t, 2) for t in bare_runs]}")
    meanings = {f["name"]: f["semanticType"] for f in profiles[-1]["fields"] if f["semanticType"]}
    print(f"semantic types    {meanings}")
    print(f"ratio socle / SUMMARIZE = {socle / bare:.1f}x")
    verdict = "ok" if socle <= TARGET_SECONDS else "OVER"
    print(f"target socle <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
