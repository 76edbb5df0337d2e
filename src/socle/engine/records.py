"""Running a records query on a version's Parquet files, with bounded time and memory."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from socle.core.tableschema import field_types, geometry_field
from socle.engine import _shapes
from socle.engine.compiler import (
    GeoContext,
    TextColumns,
    compile_fulltext,
    compile_group_by,
    compile_order_by,
    compile_select,
    compile_where,
)
from socle.engine.geo import (
    BOUND_COLUMNS,
    bounds_path,
    ensure_bounds,
    points_only,
    with_bounds,
)
from socle.errors import InputError, LimitExceededError, QuerySyntaxError
from socle.sql import identifier, literal, parquet_source

MAX_WINDOW = 10_000
# Rows per page of the records APIs; beyond, paginate or export.
MAX_PAGE_ROWS = 100
RECORD_ID = "_id"
Source = list[Path] | str  # a version's Parquet files, or the name of a registered table
DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY = "1GB"


@dataclass(frozen=True)
class RecordQuery:
    """The query parameters of the records API and exports (``limit=None``: no limit)."""

    select: str | None = None
    where: str | None = None
    group_by: str | None = None
    order_by: str | None = None
    q: str | None = None
    limit: int | None = 10
    offset: int = 0
    with_id: bool = False  # add RECORD_ID, the row's content hash, to every row
    record_id: str | None = None  # only the rows with this RECORD_ID


@dataclass
class QueryPlan:
    """SQL for the rows and for their total count, sharing one parameter list."""

    rows_sql: str
    count_sql: str
    params: list[Any]
    columns: list[str]
    bounds_of: str | None = None  # the geometry field whose bounds table the SQL reads


def record_id_sql(fields: dict[str, str]) -> str:
    """SHA-1 of the row's content as JSON: the same row keeps its id from version to version."""
    pairs = ", ".join(f"{literal(name)}, {identifier(name)}" for name in fields)
    return f"sha1(CAST(json_object({pairs}) AS VARCHAR))"


def _is_default(select: str | None) -> bool:
    return not select or select.strip() in ("", "*")


def _with_group_keys(
    select: list[tuple[str, str]], groups: list[tuple[str, str]], *, default: bool
) -> list[tuple[str, str]]:
    """Group keys first, as ODS answers them, unless ``select`` already has them."""
    chosen = [] if default else select
    names = {name for _, name in chosen} | {sql for sql, _ in chosen}
    keys = [(sql, name) for sql, name in groups if name not in names and sql not in names]
    return keys + chosen


def plan(
    source: Source,
    schema: dict[str, Any],
    query: RecordQuery,
    geo_cache: Path | None = None,
    text_columns: TextColumns | None = None,
) -> QueryPlan:
    """Compile ``query`` against the version's schema (the allow-list of identifiers).

    ``geo_cache``: the version's cache folder; geographic functions on its geometry field then
    read the field's bounds table there (see :func:`socle.engine.geo.ensure_bounds`).
    ``text_columns``: how text search reads the source (default: folding every text field).
    """
    fields = field_types(schema)
    geometry = geometry_field(schema)
    geo = GeoContext()
    # Rows sit beside their bounds in file order: with one data file only.
    single_file = isinstance(source, list) and len(source) == 1
    if geo_cache is not None and geometry is not None and single_file:
        geo.bounds[geometry] = BOUND_COLUMNS
        if points_only(geo_cache, geometry):
            geo.points_only.add(geometry)
    params: list[Any] = []
    select, aggregated = compile_select(query.select, fields)
    if query.with_id and not aggregated and not query.group_by:
        select = [(record_id_sql(fields), RECORD_ID), *select]
    aliases = {name for _, name in select}
    conditions = []
    if query.where and query.where.strip():
        conditions.append(compile_where(query.where, fields, params, geo, text_columns))
    if query.q and query.q.strip():
        conditions.append(compile_fulltext(query.q, fields, params, text_columns))
    if query.record_id is not None:
        conditions.append(f"{record_id_sql(fields)} = ?")
        params.append(query.record_id)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    groups = compile_group_by(query.group_by, fields, aliases) if query.group_by else []
    if groups:
        select = _with_group_keys(select, groups, default=_is_default(query.select))
    group_by = [sql for sql, _ in groups]
    aliases = {name for _, name in select}
    order_by = compile_order_by(query.order_by, fields, aliases) if query.order_by else []
    projection = ", ".join(f"{sql} AS {identifier(name)}" for sql, name in select)
    table = identifier(source) if isinstance(source, str) else parquet_source(source)
    bounds_of = next(iter(geo.used), None)
    if bounds_of is not None and geo_cache is not None:
        table = with_bounds(table, bounds_path(geo_cache, bounds_of))
    body = f"SELECT {projection} FROM {table}{where}"  # noqa: S608 - identifiers from schema
    if group_by:
        body += f" GROUP BY {', '.join(group_by)}"
        count_sql = f"SELECT count(*) FROM ({body})"  # noqa: S608
    elif aggregated:
        count_sql = "SELECT 1"
    else:
        count_sql = f"SELECT count(*) FROM {table}{where}"  # noqa: S608
    rows_sql = body + (f" ORDER BY {', '.join(order_by)}" if order_by else "")
    if query.limit is not None:
        rows_sql += f" LIMIT {int(query.limit)} OFFSET {int(query.offset)}"
    elif query.offset:
        rows_sql += f" OFFSET {int(query.offset)}"
    columns = [name for _, name in select]
    return QueryPlan(rows_sql, count_sql, params, columns, bounds_of)


@lru_cache(maxsize=4)
def _database(memory_limit: str) -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per memory limit, shared by all queries of the process.

    Opening a DuckDB database costs tens of milliseconds; a cursor on a shared one costs
    almost nothing, and the memory limit then bounds all concurrent queries together.
    """
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    _shapes.register(con)
    return con


@contextmanager
def bounded_connection(timeout: float, memory_limit: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor interrupted after ``timeout`` seconds; past the memory limit DuckDB spills."""
    con = _database(memory_limit).cursor()
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        yield con
    except duckdb.InterruptException as exc:
        raise LimitExceededError("La requête a dépassé le temps autorisé") from exc
    except duckdb.OutOfMemoryException as exc:
        raise LimitExceededError("La requête demande trop de mémoire") from exc
    except (duckdb.BinderException, duckdb.ConversionException) as exc:
        raise QuerySyntaxError(
            "Requête impossible à exécuter : vérifiez que les champs de « select » non agrégés "
            "figurent dans « group_by » et que les types sont compatibles",
            parameter="select",
            detail=str(exc),
        ) from exc
    finally:
        timer.cancel()
        con.close()


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def run_records(
    source: Source,
    schema: dict[str, Any],
    query: RecordQuery,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: str = DEFAULT_MEMORY,
    tables: dict[str, Any] | None = None,
    max_window: int | None = MAX_WINDOW,
    geo_cache: Path | None = None,
    text_columns: TextColumns | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """The total count of matching rows (or groups) and the requested page of them.

    ``tables`` registers in-memory tables (Arrow) under their names for this query only, so a
    ``source`` naming one queries it: the catalog uses this to query datasets' metadata.
    ``max_window`` bounds offset + limit (None: no bound, for APIs that page without one).
    ``geo_cache``: the version's cache folder, for the bounds table of its geometry (see plan).
    ``text_columns``: how text search reads the source (see plan).
    """
    if (
        max_window is not None
        and query.limit is not None
        and query.offset + query.limit > max_window
    ):
        raise InputError(
            f"offset + limit ne peut dépasser {max_window} : utilisez les exports pour tout lire"
        )
    compiled = plan(source, schema, query, geo_cache, text_columns)
    with bounded_connection(timeout, memory_limit) as con:
        if compiled.bounds_of is not None and geo_cache is not None and isinstance(source, list):
            ensure_bounds(con, source[0], compiled.bounds_of, geo_cache)
        for name, table in (tables or {}).items():
            con.register(name, table)
        rows = con.execute(compiled.rows_sql, compiled.params).fetchall()
        if query.offset == 0 and query.limit is not None and len(rows) < query.limit:
            total = len(rows)  # the page holds every match: no need to count them again
        else:
            count_params = compiled.params if "?" in compiled.count_sql else []
            total_row = con.execute(compiled.count_sql, count_params).fetchone()
            total = int(total_row[0]) if total_row else 0
    return total, [
        {name: jsonable(value) for name, value in zip(compiled.columns, row, strict=True)}
        for row in rows
    ]
