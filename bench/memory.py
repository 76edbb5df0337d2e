"""Peak memory while ingesting a 2 GB CSV. Target: <= 1.5 GB RSS.

The ingest runs in a child process (`socle ingest`); its peak resident set size is read from
the kernel when it ends (wait4 on that child), so nothing is sampled or missed.

    .venv/bin/python -m bench.memory [--gigabytes 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import french_csv

BYTES_PER_ROW = 85


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    args = parser.parse_args()
    rows = int(args.gigabytes * 1e9 / BYTES_PER_ROW)
    source = french_csv(rows, name=f"comptages-{args.gigabytes:g}gb.csv")
    print(f"file: {source.name}, {source.stat().st_size / 1e9:.2f} GB, {rows:,} rows")
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        env = {**os.environ, "SOCLE_HOME": str(Path(tmp) / "home")}
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "socle", "ingest", str(source), "--dataset", "gros"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        # wait4 gives this very child's resource usage, peak resident set size included.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"socle ingest failed with exit code {child.returncode}")
    peak_mb = usage.ru_maxrss / 1024
    print(f"socle ingest: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB (target <= 1536 MB)")


if __name__ == "__main__":
    main()
