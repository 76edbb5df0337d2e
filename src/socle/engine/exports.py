"""Streamed exports of a query's whole result: CSV, JSON, GeoJSON, Parquet, XLSX.

DuckDB writes the file to a private temporary folder in one vectorised pass, then the file
is streamed in chunks and deleted. Errors (bad query, no geometry) therefore surface before
the first byte is sent, and memory stays bounded whatever the size.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from socle.core.tableschema import field_types, geometry_field
from socle.engine.records import (
    DEFAULT_MEMORY,
    QueryPlan,
    RecordQuery,
    bounded_connection,
    plan,
)
from socle.errors import InputError, LimitExceededError
from socle.sql import identifier, literal

CHUNK = 1 << 20
EXPORT_TIMEOUT = 600.0
XLSX_MAX_ROWS = 1_048_575
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Export:
    media_type: str
    extension: str
    chunks: Iterator[bytes]


def _stream(folder: Path, target: Path, prefix: bytes = b"") -> Iterator[bytes]:
    try:
        if prefix:
            yield prefix
        with target.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _neutralised(compiled: QueryPlan, text_columns: set[str]) -> str:
    """Prefix text cells starting with = + - @ tab or CR by ' against formula injection."""
    outputs = []
    for name in compiled.columns:
        column = identifier(name)
        if name in text_columns:
            outputs.append(
                f"CASE WHEN regexp_matches({column}, '^[=+\\-@\\t\\r]') THEN '''' || {column} "
                f"ELSE {column} END AS {column}"
            )
        else:
            outputs.append(column)
    return f"SELECT {', '.join(outputs)} FROM ({compiled.rows_sql})"  # noqa: S608


def _copy(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], target: Path, options: str
) -> None:
    con.execute(f"COPY ({sql}) TO {literal(str(target))} ({options})", params)


def _csv(con, compiled, schema, target, options) -> None:  # type: ignore[no-untyped-def]
    delimiter = options.get("delimiter", ",")
    if delimiter not in DELIMITERS:
        raise InputError(f"Séparateur « {delimiter} » non pris en charge")
    types = field_types(schema)
    text = {n for n in compiled.columns if types.get(n, "string") == "string"}
    _copy(
        con,
        _neutralised(compiled, text),
        compiled.params,
        target,
        f"FORMAT csv, HEADER, DELIMITER {literal(delimiter)}",
    )


def _json(con, compiled, schema, target, options) -> None:  # type: ignore[no-untyped-def]
    _copy(con, compiled.rows_sql, compiled.params, target, "FORMAT json, ARRAY true")


def _parquet(con, compiled, schema, target, options) -> None:  # type: ignore[no-untyped-def]
    _copy(con, compiled.rows_sql, compiled.params, target, "FORMAT parquet, COMPRESSION zstd")


def _geojson(con, compiled, schema, target, options) -> None:  # type: ignore[no-untyped-def]
    geometry = geometry_field(schema)
    if geometry is None or geometry not in compiled.columns:
        raise InputError("Ce jeu de données n'a pas de géométrie : export GeoJSON impossible")
    properties = ", ".join(
        f"{literal(n)}, {identifier(n)}" for n in compiled.columns if n != geometry
    )
    feature = (
        "json_object('type', 'Feature', 'geometry', "
        f"CAST({identifier(geometry)} AS JSON), 'properties', json_object({properties}))"
    )
    sql = f"SELECT {feature} AS feature FROM ({compiled.rows_sql})"  # noqa: S608
    with target.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [')
        cursor = con.execute(sql, compiled.params)
        first = True
        while batch := cursor.fetchmany(10_000):
            for (text,) in batch:
                out.write(("" if first else ",\n") + text)
                first = False
        out.write("]}\n")


def _xlsx(con, compiled, schema, target, options) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    count_params = compiled.params if "?" in compiled.count_sql else []
    total = con.execute(compiled.count_sql, count_params).fetchone()[0]
    if total > XLSX_MAX_ROWS:
        raise LimitExceededError(
            f"{total} lignes : un classeur Excel en contient 1 048 576 au plus ; "
            "filtrez ou choisissez CSV ou Parquet"
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("données")
    sheet.append(compiled.columns)
    cursor = con.execute(compiled.rows_sql, compiled.params)
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            sheet.append(list(row))
    workbook.save(target)


FORMATS: dict[str, tuple[str, str, Callable[..., None]]] = {
    "csv": ("text/csv; charset=utf-8", "csv", _csv),
    "json": ("application/json", "json", _json),
    "geojson": ("application/geo+json", "geojson", _geojson),
    "parquet": ("application/vnd.apache.parquet", "parquet", _parquet),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _xlsx),
}


def export(
    paths: list[Path],
    schema: dict[str, Any],
    query: RecordQuery,
    fmt: str,
    *,
    memory_limit: str = DEFAULT_MEMORY,
    timeout: float = EXPORT_TIMEOUT,
    **options: Any,
) -> Export:
    """The whole result of ``query`` in ``fmt``, ready to stream."""
    if fmt not in FORMATS:
        raise InputError(f"Format d'export inconnu « {fmt} » ; formats : {', '.join(FORMATS)}")
    media_type, extension, write = FORMATS[fmt]
    compiled = plan(paths, schema, query)
    folder = Path(tempfile.mkdtemp(prefix="socle-export-"))
    target = folder / f"export.{extension}"
    try:
        with bounded_connection(timeout, memory_limit) as con:
            write(con, compiled, schema, target, options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    prefix = b"\xef\xbb\xbf" if fmt == "csv" and options.get("bom") else b""
    return Export(media_type, extension, _stream(folder, target, prefix))
