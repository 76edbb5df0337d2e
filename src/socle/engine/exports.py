"""Streamed exports of a query's whole result: CSV, JSON, GeoJSON, Parquet, XLSX.

DuckDB writes the file to a private temporary folder in one vectorised pass, then the file
is streamed in chunks and deleted. Errors (bad query, no geometry) therefore surface before
the first byte is sent, and memory stays bounded whatever the size.

A version's unfiltered export is the download most people take, and it never changes: it
is written once into a folder the caller names (beside the version's files) with its size
and SHA-256, then served from there — which is also what lets the DCAT feed state
``dcat:byteSize`` and ``spdx:checksum``.
"""

from __future__ import annotations

import hashlib
import json
import os
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
_BOM = b"\xef\xbb\xbf"


@dataclass
class Export:
    media_type: str
    extension: str
    chunks: Iterator[bytes]
    # Known for stored exports only (without the BOM prefix, which is not stored).
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class StoredExport:
    """A whole version's export kept on disk, with what describes its bytes."""

    path: Path
    size: int
    sha256: str


def _stream(target: Path, prefix: bytes = b"", cleanup: Path | None = None) -> Iterator[bytes]:
    try:
        if prefix:
            yield prefix
        with target.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)


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


def stored_name(fmt: str, **options: Any) -> str:
    """File name of a stored export: one per format and CSV delimiter."""
    if fmt != "csv" or options.get("delimiter", ",") == ",":
        return fmt
    return f"csv-{ord(options['delimiter'])}"


def find_stored(folder: Path, name: str) -> StoredExport | None:
    """The stored export ``name`` in ``folder``, if it was written."""
    try:
        facts = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = folder / name
    return StoredExport(path, facts["size"], facts["sha256"]) if path.exists() else None


def store(
    paths: list[Path],
    schema: dict[str, Any],
    fmt: str,
    folder: Path,
    *,
    memory_limit: str = DEFAULT_MEMORY,
    timeout: float = EXPORT_TIMEOUT,
    **options: Any,
) -> StoredExport:
    """Write the whole export once into ``folder``; concurrent writers end with equal files."""
    name = stored_name(fmt, **options)
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder))
    try:
        target = _written(
            paths, schema, RecordQuery(limit=None), fmt, work, memory_limit, timeout, options
        )
        digest = hashlib.sha256()
        with target.open("rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
        stored = StoredExport(folder / name, target.stat().st_size, digest.hexdigest())
        os.replace(target, stored.path)
        facts = {"size": stored.size, "sha256": stored.sha256}
        (work / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
        os.replace(work / "facts.json", folder / f"{name}.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return stored


def serve_stored(stored: StoredExport, fmt: str, *, bom: bool = False) -> Export:
    media_type, extension, _ = FORMATS[fmt]
    prefix = _BOM if fmt == "csv" and bom else b""
    # The digest names the stored bytes: a BOM in front makes other bytes, without one.
    digest = None if prefix else stored.sha256
    return Export(
        media_type, extension, _stream(stored.path, prefix), stored.size + len(prefix), digest
    )


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
    folder = Path(tempfile.mkdtemp(prefix="socle-export-"))
    try:
        target = _written(paths, schema, query, fmt, folder, memory_limit, timeout, options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    media_type, extension, _ = FORMATS[fmt]
    prefix = _BOM if fmt == "csv" and options.get("bom") else b""
    return Export(media_type, extension, _stream(target, prefix, cleanup=folder))


def _written(
    paths: list[Path],
    schema: dict[str, Any],
    query: RecordQuery,
    fmt: str,
    folder: Path,
    memory_limit: str,
    timeout: float,
    options: dict[str, Any],
) -> Path:
    """The export written by DuckDB into ``folder``; errors before any byte is served."""
    if fmt not in FORMATS:
        raise InputError(f"Format d'export inconnu « {fmt} » ; formats : {', '.join(FORMATS)}")
    _, extension, write = FORMATS[fmt]
    compiled = plan(paths, schema, query)
    target = folder / f"export.{extension}"
    with bounded_connection(timeout, memory_limit) as con:
        write(con, compiled, schema, target, options)
    return target
