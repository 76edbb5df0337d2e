"""Run every benchmark in one go (peers installed first): ``.venv/bin/python -m bench.run_all``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent

subprocess.run(["bash", str(BENCH / "setup.sh")], check=True)
for name in ("ingest", "records", "memory"):
    print(f"\n== bench.{name}", flush=True)
    subprocess.run([sys.executable, "-m", f"bench.{name}"], check=True, cwd=BENCH.parent)
