"""Running a recipe over a version's Parquet in DuckDB: steps, k-anonymity, ℓ, aggregate.

Each step is one ``CREATE TABLE AS SELECT`` over the previous working table, in a private
DuckDB database that spills to disk past its memory limit; the last table is written as
Parquet with Table Schema types (ingest.parquet) or, for a dry run, only measured.
Findings go to a report (plain data); bad declarations raise InputError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from socle.core.tableschema import DUCKDB_TYPES
from socle.errors import InputError, LimitExceededError
from socle.governance.anonymisation import measures
from socle.governance.anonymisation import recipe as r
from socle.governance.anonymisation.communes import Outlines, to_communes
from socle.governance.anonymisation.key import HmacPads
from socle.governance.anonymisation.steps import SQL_STEPS, Columns
from socle.ingest._duckdb import one_row, session
from socle.ingest.parquet import write_parquet
from socle.ingest.typed import describe
from socle.sql import identifier, parquet_source


@dataclass
class Outcome:
    """The output's rows and fields, and what the run measured (the report's body)."""

    row_count: int
    fields: list[dict[str, Any]]
    report: dict[str, Any] = field(default_factory=dict)


def anonymise(
    sources: list[Path],
    schema: Mapping[str, Any],
    recipe: r.Recipe,
    target: Path | None,
    *,
    pads: HmacPads | None,
    outlines: Mapping[int, Outlines],
    memory_limit: str,
    work_dir: Path,
) -> Outcome:
    """Apply ``recipe`` to the version's files; write ``target`` unless it is None."""
    try:
        with session(work_dir, memory_limit) as con:
            source = parquet_source(sources)
            (rows_in,) = one_row(con, f"SELECT count(*) FROM {source}")  # noqa: S608
            relation, values, log, touched = _steps(con, source, recipe, pads, outlines)
            con.execute(f"CREATE TABLE steps_out AS SELECT * FROM {relation}", values)  # noqa: S608
            table = "steps_out"
            types = dict(describe(con, table))
            report: dict[str, Any] = {"rows_in": int(rows_in), "steps": log}
            quasi = recipe.k_anonymity
            if quasi is not None:
                report["k_anonymity"] = measures.k_anonymise(con, table, "k_out", types, quasi)
                table = "k_out"
                if recipe.l_diversity is not None:
                    report["l_diversity"] = measures.l_diversity(
                        con, table, types, quasi.quasi_identifiers, recipe.l_diversity
                    )
            if recipe.aggregate is not None:
                report["aggregate"] = measures.aggregate(
                    con, table, "agg_out", types, recipe.aggregate
                )
                table = "agg_out"
                touched |= set(recipe.aggregate.sum) | {recipe.aggregate.count}
            (rows_out,) = one_row(con, f"SELECT count(*) FROM {table}")  # noqa: S608
            report["rows_out"] = int(rows_out)
            out_columns = [name for name, _ in describe(con, table)]
            pseudonymised = [
                c
                for s in recipe.steps
                if isinstance(s, r.Pseudonymise)
                for c in s.columns
                if c in out_columns
            ]
            report["pseudonymised_columns"] = pseudonymised
            fields: list[dict[str, Any]] = []
            if target is not None:
                fixed = _kept_types(schema, out_columns, touched)
                _, fields, _ = write_parquet(
                    con, table, target, int(rows_out), None, infer_text=False, fixed=fixed
                )
    except duckdb.OutOfMemoryException as exc:
        raise LimitExceededError(
            "mémoire insuffisante pour anonymiser ce jeu (SOCLE_INGEST_MEMORY_LIMIT)",
            detail=str(exc),
        ) from exc
    return Outcome(int(rows_out), fields, report)


def _steps(
    con: duckdb.DuckDBPyConnection,
    source: str,
    recipe: r.Recipe,
    pads: HmacPads | None,
    outlines: Mapping[int, Outlines],
) -> tuple[str, dict[str, Any], list[dict[str, Any]], set[str]]:
    """The steps as one nested SELECT over ``source`` (DuckDB runs it in a single pass when
    it is materialised), with its bound values; one log entry per step; the columns changed.

    The communes step needs a numbered table: the SELECT so far is materialised before it.
    """
    relation = source
    values: dict[str, Any] = {}
    log: list[dict[str, Any]] = []
    touched: set[str] = set()
    for number, step in enumerate(recipe.steps, start=1):
        types = con.execute(f"DESCRIBE SELECT * FROM {relation}", values).fetchall()  # noqa: S608
        cols = Columns({row[0]: row[1] for row in types}, number, step.step)
        entry: dict[str, Any] = step.model_dump(mode="json", exclude_none=True)
        if isinstance(step, r.GeneraliseCoordinates) and step.to == "commune":
            con.execute(f"CREATE TABLE m{number} AS SELECT * FROM {relation}", values)  # noqa: S608
            entry.update(to_communes(con, f"m{number}", f"t{number}", step, cols, outlines[number]))
            relation, values = f"t{number}", {}
            touched |= {step.into}
        else:
            select = SQL_STEPS[type(step)](step, cols, pads)
            if not select.columns:
                raise InputError(f"étape {number} ({step.step}) : plus aucune colonne")
            listed = ", ".join(f"{sql} AS {identifier(n)}" for n, sql in select.columns.items())
            if select.nulled:
                counted = ", ".join(f"count_if({sql})" for sql in select.nulled.values())
                found = con.execute(f"SELECT {counted} FROM {relation}", values).fetchall()  # noqa: S608
                entry["nulled"] = dict(zip(select.nulled, (int(n) for n in found[0]), strict=True))
            relation = f"(SELECT {listed} FROM {relation})"  # noqa: S608
            values = {**values, **select.values}
            touched |= {n for n, sql in select.columns.items() if sql != identifier(n)}
        log.append(entry)
    return relation, values, log, touched


def _kept_types(schema: Mapping[str, Any], columns: list[str], touched: set[str]) -> dict[str, str]:
    """Text columns no step changed keep their source type (geojson, object...)."""
    source = {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}
    return {
        name: source[name]
        for name in columns
        if name in source and name not in touched and DUCKDB_TYPES.get(source[name]) == "VARCHAR"
    }
