"""Validation of a 1 M-row CSV with ~1 % injected errors: Socle vs frictionless-py.

Five kinds of errors are injected (bad integer, bad date, value outside an enum, value not
matching a pattern, empty required cell), 2 000 of each, into the 8-field counting file.
Both tools get the same file and schema and must report the same count per error type.
Target: Socle >= 20x faster than frictionless. Also times profiling-free validation only.

    .venv/bin/python -m bench.validate [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb

from bench.common import DATA, PEERS_BIN, french_csv, median_seconds
from socle.quality.schema import parse_schema
from socle.quality.validate import validate_file

SCHEMA = {
    "fields": [
        {"name": "identifiant_compteur", "type": "string", "constraints": {"required": True}},
        {
            "name": "code_insee",
            "type": "string",
            "constraints": {"pattern": "[0-9]{5}|2[AB][0-9]{3}"},
        },
        {"name": "commune", "type": "string"},
        {"name": "date_heure", "type": "datetime"},
        {"name": "mode", "type": "string", "constraints": {"enum": ["vélo", "voiture"]}},
        {"name": "comptage", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "temperature", "type": "number"},
        {"name": "libelle", "type": "string"},
    ]
}
PER_KIND = 2_000
FRICTIONLESS = """
import json, sys, collections, warnings
warnings.simplefilter("ignore")
from frictionless import validate, Resource, Schema, Detector
path, schema = sys.argv[1], sys.argv[2]
resource = Resource(path=path.rsplit("/", 1)[1], basepath=path.rsplit("/", 1)[0],
                    schema=Schema.from_descriptor(json.loads(schema)),
                    detector=Detector(schema_sync=True))
report = validate(resource, limit_errors=10**9)
print(json.dumps(collections.Counter(e.type for e in report.tasks[0].errors)))
"""


def file_with_errors(rows: int) -> Path:
    """The counting file with PER_KIND errors of each kind on distinct rows."""
    path = DATA / f"comptages-{rows}-errors.csv"
    if path.exists():
        return path
    source = french_csv(rows)
    step = rows // (5 * PER_KIND)
    duckdb.sql(
        f"""
        COPY (
          SELECT
            CASE WHEN k = 4 THEN '' ELSE identifiant_compteur END AS identifiant_compteur,
            CASE WHEN k = 3 THEN substr(code_insee, 2) ELSE code_insee END AS code_insee,
            commune,
            CASE WHEN k = 1 THEN replace(CAST(date_heure AS VARCHAR), '-', '/')
                 ELSE CAST(date_heure AS VARCHAR) END AS date_heure,
            CASE WHEN k = 2 THEN 'camion' ELSE mode END AS mode,
            CASE WHEN k = 0 THEN 'n/a' ELSE CAST(comptage AS VARCHAR) END AS comptage,
            temperature, libelle
          FROM (
            SELECT *, CASE WHEN i % {step} = 0 AND i // {step} < {5 * PER_KIND}
                           THEN (i // {step}) % 5 END AS k
            FROM (SELECT row_number() OVER () - 1 AS i, *
                  FROM read_csv('{source}', delim=';', header=true, all_varchar=true))
          ) ORDER BY i
        ) TO '{path}' (HEADER, DELIMITER ';')
        """
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = file_with_errors(args.rows)
    print(f"file: {source.name}, {args.rows:,} rows, {source.stat().st_size / 1e6:.0f} MB")
    schema = parse_schema(SCHEMA, "bench")
    with tempfile.TemporaryDirectory(dir=source.parent) as tmp:
        reports = []
        socle, runs = median_seconds(
            lambda: reports.append(validate_file(source, schema, work_dir=Path(tmp))),
            args.repeat,
        )
    counts = dict(reports[-1].counts)
    print(f"socle         median {socle:6.2f} s  runs {[round(t, 2) for t in runs]}")
    print(f"socle errors  {counts}")
    python = PEERS_BIN / "python"
    if not python.exists():
        print("frictionless: not installed (run bench/setup.sh)")
        return
    started = time.perf_counter()
    out = subprocess.run(
        [str(python), "-c", FRICTIONLESS, str(source), json.dumps(SCHEMA)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    peer = time.perf_counter() - started
    theirs = json.loads(out)
    print(f"frictionless  single {peer:6.2f} s")
    print(f"frictionless errors {theirs}")
    print(f"same counts by type: {Counter(counts) == Counter(theirs)}")
    print(f"ratio frictionless / socle = {peer / socle:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
