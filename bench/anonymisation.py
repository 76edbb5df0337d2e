"""Anonymisation of a 1 M-person table: the whole recipe, in DuckDB columns.

A generated population (identifier, name, age, sex, postal code, birth date, coordinates,
diagnosis, amount) is ingested as a personal dataset; then ``run_recipe`` writes the anonymised
version (drop, HMAC-SHA256 pseudonym, birth date to year, age to 10-year bands, postal code to
département, coordinates to a 1 km grid, k = 5 on four quasi-identifiers, ℓ on the diagnosis),
and an aggregate with statistical secrecy. Times are medians of ``--repeat`` runs, each a new
version of the output (the commit, quality assessment and audit entry included). No peer:
ARX and sdcMicro are not Python tools one can run side by side here.

    .venv/bin/python -m bench.anonymisation [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb
import yaml

from bench.common import median_seconds
from socle.config import Settings
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.anonymisation.run import run_recipe
from socle.governance.policy import ADMIN
from socle.instance import open_instance
from socle.sql import literal

POPULATION = """
SELECT 'P' || lpad(CAST(i AS VARCHAR), 8, '0') AS id_patient,
       'Nom' || CAST(hash(i) % 1000000 AS VARCHAR) AS nom,
       CAST(hash(i, 1) % 95 AS INTEGER) AS age,
       CASE WHEN hash(i, 2) % 2 = 0 THEN 'F' ELSE 'M' END AS sexe,
       ['01000', '01090', '69001', '38000', '20000', '20200', '97100', '75015', '13001',
        '33000'][CAST(hash(i, 3) % 10 AS INTEGER) + 1] AS code_postal,
       DATE '2026-01-01' - CAST(hash(i, 4) % (95 * 365) AS INTEGER) AS date_naissance,
       46.0 + (hash(i, 5) % 100000) / 100000.0 AS lat,
       5.0 + (hash(i, 6) % 100000) / 100000.0 AS lon,
       ['asthme', 'diabète', 'grippe', 'hypertension', 'migraine', 'fracture']
         [CAST(hash(i, 7) % 6 AS INTEGER) + 1] AS diagnostic,
       CAST(hash(i, 8) % 500 AS INTEGER) AS montant
FROM range({rows}) t(i)
"""
ROWS_RECIPE = {
    "source": {"dataset": "patients"},
    "output": {"dataset": "patients-anonymises"},
    "steps": [
        {"step": "drop", "columns": ["nom"]},
        {"step": "pseudonymise", "columns": ["id_patient"]},
        {"step": "generalise_date", "column": "date_naissance", "to": "year"},
        {"step": "generalise_age", "column": "age", "width": 10},
        {"step": "generalise_postal_code", "column": "code_postal"},
        {"step": "generalise_coordinates", "latitude": "lat", "longitude": "lon", "to": "grid",
         "size": 1000},
    ],
    "k_anonymity": {"quasi_identifiers": ["age", "sexe", "code_postal", "date_naissance"], "k": 5},
    "l_diversity": {"sensitive": ["diagnostic"], "l": 2},
}  # fmt: skip
AGGREGATE_RECIPE = {
    "source": {"dataset": "patients"},
    "output": {"dataset": "patients-agreges"},
    "steps": [{"step": "generalise_age", "column": "age", "width": 5}],
    "aggregate": {"group_by": ["code_postal", "age", "sexe", "diagnostic"], "sum": ["montant"]},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "patients.parquet"
        with duckdb.connect() as con:
            query = POPULATION.format(rows=int(args.rows))
            con.execute(f"COPY ({query}) TO {literal(str(source))} (FORMAT parquet)")
        settings = Settings(home=folder / "home", pseudonymisation_key="b" * 32)
        instance = open_instance(settings)
        metadata = parse_metadata(access="restricted", personal_data=True)
        add_version(instance, ADMIN, source, "patients", metadata=metadata)
        for name, document in (("rows", ROWS_RECIPE), ("aggregate", AGGREGATE_RECIPE)):
            path = folder / f"{name}.yaml"
            path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
            median, times = median_seconds(
                lambda p=path: run_recipe(instance, ADMIN, p), args.repeat
            )
            dry, _ = median_seconds(lambda p=path: run_recipe(instance, ADMIN, p, dry_run=True), 1)
            report = run_recipe(instance, ADMIN, path, dry_run=True).report
            print(
                f"{name}: {args.rows} rows in, {report['rows_out']} out — median {median:.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in times)}), dry run {dry:.2f} s"
            )
            if "k_anonymity" in report:
                k = report["k_anonymity"]
                print(
                    f"  k achieved {k['k_achieved']}, {k['rows_suppressed']} rows suppressed, "
                    f"ℓ min {report['l_diversity']['l_min']}"
                )
            if "aggregate" in report:
                cells = report["aggregate"]
                print(f"  {cells['cells_suppressed']} of {cells['cells']} cells suppressed")
        instance.close()


if __name__ == "__main__":
    main()
