"""Running planned steps over a Parquet file in DuckDB, counting what each one did.

Every step is built first, from the schema alone, so that a bad parameter fails before any
data is read. Then each step becomes one ``CREATE TABLE AS SELECT`` over the previous
step's table: its SELECT list, its row filter, and one boolean column per converted
column saying whether the cell changed (and whether its conversion failed, a filled cell
giving NULL). Counting is a ``count_if`` over those flags: the expressions run once, in
columns, never row by row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from socle.core.tableschema import DUCKDB_TYPES
from socle.errors import InputError, LimitExceededError
from socle.ingest._duckdb import one_row, session
from socle.quality.cleaning._model import (
    ROW_ORDER,
    Output,
    PlannedStep,
    StepError,
    Table,
    Transform,
)
from socle.quality.cleaning._sql import filled
from socle.sql import identifier, literal

DEFAULT_MEMORY_LIMIT = "1GB"
EXAMPLES = 5
PARAMETER = re.compile(r"\$(\w+)")
ROW = identifier("#row")


@dataclass(frozen=True)
class CleaningResult:
    """The cleaned table's Table Schema, its row count, and one log entry per step.

    An entry is ``{"step", "params", "changed": {column: cells changed}, "nulled": {column:
    cells emptied because they did not convert}, "renamed": {old: new}, "rowsRemoved"}``;
    ``changed`` lists every column the step converted, even when no cell changed.
    """

    schema: dict[str, Any]
    row_count: int
    log: list[dict[str, Any]]


def clean_parquet(
    source: Path,
    schema: dict[str, Any],
    steps: Sequence[PlannedStep],
    target: Path,
    *,
    memory_limit: str | None = None,
) -> CleaningResult:
    """Write to ``target`` (Parquet, zstd) the table of ``source`` after ``steps``."""
    first = Table(tuple(schema.get("fields", [])))
    built = _built(first, steps)
    try:
        with session(target.parent, memory_limit or DEFAULT_MEMORY_LIMIT) as con:
            rows = _load(con, source, first)
            log: list[dict[str, Any]] = []
            for index, (planned, table, transform) in enumerate(built, start=1):
                entry = _run(con, index, planned, table, transform, rows)
                rows -= entry["rowsRemoved"]
                log.append(entry)
            final = _result_table(first, built)
            columns = ", ".join(identifier(n) for n in final.names())
            con.execute(
                f"COPY (SELECT {columns} FROM {_table(len(built))}) "  # noqa: S608
                f"TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
            )
    except duckdb.OutOfMemoryException as exc:
        target.unlink(missing_ok=True)
        raise LimitExceededError("mémoire insuffisante pour nettoyer ce fichier") from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    renames = [entry["renamed"] for entry in log]
    return CleaningResult(_renamed_keys(schema, final, renames), rows, log)


def _built(
    first: Table, steps: Sequence[PlannedStep]
) -> list[tuple[PlannedStep, Table, Transform]]:
    """Each step with the table it sees and its transform; a misfit fails here, early."""
    out = []
    table = first
    for planned in steps:
        try:
            transform = planned.step.build(planned.params, table)
        except StepError as exc:
            raise InputError(f"{planned.label} : {exc}") from None
        out.append((planned, table, transform))
        table = Table(tuple(o.field for o in transform.outputs))
    return out


def _result_table(first: Table, built: list[tuple[PlannedStep, Table, Transform]]) -> Table:
    if not built:
        return first
    return Table(tuple(o.field for o in built[-1][2].outputs))


def _table(index: int) -> str:
    return identifier(f"step {index}")


def _load(con: duckdb.DuckDBPyConnection, source: Path, table: Table) -> int:
    columns = ", ".join(identifier(n) for n in table.names())
    try:
        con.execute(
            f"CREATE TEMP TABLE {_table(0)} AS SELECT {columns} FROM read_parquet($source)",  # noqa: S608
            {"source": str(source)},
        )
    except duckdb.BinderException as exc:
        raise InputError(
            "le fichier Parquet n'a pas les colonnes de son schéma", detail=str(exc)
        ) from exc
    return int(one_row(con, f"SELECT count(*) FROM {_table(0)}")[0])  # noqa: S608


def _run(
    con: duckdb.DuckDBPyConnection,
    index: int,
    planned: PlannedStep,
    table: Table,
    transform: Transform,
    rows: int,
) -> dict[str, Any]:
    previous, current = _table(index - 1), _table(index)
    # Converted columns keep their old value beside the new one for the flags, so that
    # each expression runs once.
    counted = {
        o.name: (o, o.origin)
        for o in transform.outputs
        if o.origin is not None and o.sql != identifier(o.origin)
    }
    inner = [f"{o.sql} AS {identifier(o.name)}" for o in transform.outputs]
    inner += [f"{identifier(origin)} AS {_old(name)}" for name, (_, origin) in counted.items()]
    flags: dict[str, str] = {}
    for name, (output, origin) in counted.items():
        before, new = table.type_of(origin), identifier(name)
        flags[f"#changed {name}"] = _changed(_old(name), before, new, output)
        if output.expected_fr is not None:
            flags[f"#failed {name}"] = f"{filled(_old(name), before)} IS NOT NULL AND {new} IS NULL"
    source = f"SELECT {', '.join(inner)}, {ROW_ORDER} AS {ROW} FROM {previous}"  # noqa: S608
    order = ""
    if transform.where:
        source += f" WHERE {transform.where(previous)}"
        order = f" ORDER BY {ROW}"
    outer = [identifier(o.name) for o in transform.outputs]
    outer += [f"{sql} AS {identifier(flag)}" for flag, sql in flags.items()]
    sql = f"CREATE TEMP TABLE {current} AS SELECT {', '.join(outer)} FROM ({source}){order}"  # noqa: S608
    con.execute(sql, _used(transform.values, sql))
    counts = "".join(f", count_if({identifier(flag)})" for flag in flags)
    kept, *stats = one_row(con, f"SELECT count(*){counts} FROM {current}")  # noqa: S608
    by_flag = {flag: int(n) for flag, n in zip(flags, stats, strict=True)}
    nulled = {n: by_flag[f"#failed {n}"] for n in counted if by_flag.get(f"#failed {n}")}
    if nulled and planned.params.get("on_error", "fail") is not None:
        problems = [
            _failure(con, previous, table, counted[name][0], count, transform.values)
            for name, count in nulled.items()
        ]
        raise InputError(
            f"{planned.label} : {' ; '.join(problems)} ; corrigez-les, ou ajoutez "
            "« on_error: null » à l'étape pour les vider (elles seront comptées dans le journal)"
        )
    con.execute(f"DROP TABLE {previous}")
    return {
        "step": planned.step.name,
        "params": planned.params,
        "changed": {n: by_flag[f"#changed {n}"] for n in counted},
        "nulled": nulled,
        "renamed": {o.origin: o.name for o in transform.outputs if o.origin and o.origin != o.name},
        "rowsRemoved": rows - int(kept),
    }


def _old(name: str) -> str:
    return identifier(f"#old {name}")


def _changed(old: str, before: str, new: str, output: Output) -> str:
    """SQL: the cell's value differs. Across a type change, it differs from what a plain
    cast of the old value gives: ``'12'`` read as 12 is unchanged, ``'12,5'`` changed."""
    after = DUCKDB_TYPES.get(str(output.field.get("type", "string")), "VARCHAR")
    if DUCKDB_TYPES.get(before, "VARCHAR") == after:
        return f"{old} IS DISTINCT FROM {new}"
    return (
        f"CASE WHEN {old} IS NULL OR {new} IS NULL THEN ({old} IS NULL) <> ({new} IS NULL) "
        f"ELSE TRY_CAST({old} AS {after}) IS DISTINCT FROM {new} END"
    )


def _failure(
    con: duckdb.DuckDBPyConnection,
    previous: str,
    table: Table,
    output: Output,
    count: int,
    values: Mapping[str, Any],
) -> str:
    """French: how many cells of ``output`` failed, with the first distinct examples."""
    origin = output.origin or output.name
    old = identifier(origin)
    sql = (
        f"SELECT {old} FROM {previous} "  # noqa: S608
        f"WHERE {filled(old, table.type_of(origin))} IS NOT NULL AND ({output.sql}) IS NULL "
        f"GROUP BY 1 ORDER BY min({ROW_ORDER}) LIMIT {EXAMPLES}"
    )
    examples = ", ".join(f"« {row[0]} »" for row in con.execute(sql, _used(values, sql)).fetchall())
    cells, verb = (f"{count} valeurs", "ne sont pas") if count > 1 else ("1 valeur", "n'est pas")
    return f"{cells} de « {origin} » {verb} {output.expected_fr}, par exemple {examples}"


def _used(values: Mapping[str, Any], sql: str) -> dict[str, Any]:
    """The bound values ``sql`` names (DuckDB refuses unused ones)."""
    named = set(PARAMETER.findall(sql))
    return {k: v for k, v in values.items() if k in named}


def _renamed_keys(
    schema: dict[str, Any], final: Table, renames: list[dict[str, str]]
) -> dict[str, Any]:
    """``schema`` with the cleaned fields, its keys following columns renamed step by step."""

    def follow(names: Any) -> Any:
        for renamed in renames:
            if isinstance(names, str):
                names = renamed.get(names, names)
            else:
                names = [renamed.get(n, n) for n in names]
        return names

    out = {**schema, "fields": [dict(f) for f in final.fields]}
    if "primaryKey" in out:
        out["primaryKey"] = follow(out["primaryKey"])
    if "foreignKeys" in out:
        out["foreignKeys"] = [
            {**fk, "fields": follow(fk.get("fields", []))} for fk in out["foreignKeys"]
        ]
    return out
