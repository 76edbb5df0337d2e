"""Aggregates by calendar period (year, month, day) of a date field, for time-series charts.

The query language groups by fields only for now; this bucketing runs the same compiled
``where`` (same allow-list, values bound) on the version's Parquet files, so the chart of a
filtered table counts exactly the table's rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from socle.core.tableschema import NUMERIC_TYPES, TEMPORAL_TYPES, field_types
from socle.engine.compiler import compile_where
from socle.engine.records import DEFAULT_MEMORY, DEFAULT_TIMEOUT, bounded_connection, jsonable
from socle.errors import InputError
from socle.sql import identifier, literal, parquet_source

Bucket = Literal["year", "month", "day"]
Aggregate = Literal["count", "sum", "avg", "min", "max"]
FORMATS: dict[str, str] = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def run_date_series(
    paths: list[Path],
    schema: dict[str, Any],
    *,
    field: str,
    bucket: Bucket,
    aggregate: Aggregate,
    value_field: str | None,
    where: str | None,
    limit: int,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: str = DEFAULT_MEMORY,
) -> list[tuple[str, Any]]:
    """(period, aggregate) pairs in calendar order, at most ``limit``; empty dates skipped."""
    types = field_types(schema)
    if types.get(field) not in TEMPORAL_TYPES - {"time"}:
        raise InputError(f"« {field} » n'est pas un champ date", parameter="x")
    if aggregate == "count":
        measure = "count(*)"
    elif value_field is not None and types.get(value_field) in NUMERIC_TYPES:
        measure = f"{aggregate}({identifier(value_field)})"
    else:
        raise InputError(f"{aggregate} demande un champ numérique", parameter="y")
    params: list[Any] = []
    column = identifier(field)
    conditions = [f"{column} IS NOT NULL"]
    if where and where.strip():
        conditions.append(compile_where(where, types, params))
    period = f"strftime(CAST({column} AS TIMESTAMP), {literal(FORMATS[bucket])})"
    sql = (
        f"SELECT {period} AS period, {measure} AS value "  # noqa: S608 - allow-listed names
        f"FROM {parquet_source(paths)} WHERE {' AND '.join(conditions)} "
        f"GROUP BY period ORDER BY period LIMIT {int(limit)}"
    )
    with bounded_connection(timeout, memory_limit) as con:
        rows = con.execute(sql, params).fetchall()
    return [(str(p), jsonable(v)) for p, v in rows]
