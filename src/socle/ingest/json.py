"""JSON files: an array of objects, NDJSON (one object per line), or an object holding one
array of objects (``{"data": [...]}``, as many APIs answer); an object holding none is one
record.

DuckDB reads the records as raw JSON, finds their common structure in one pass, and turns
them into columns; Python never holds the records. Nested objects become ``parent.child``
columns (or stay JSON text with ``flatten=False``), arrays stay JSON text. JSON numbers
that are not plain 64-bit integers are read as their text and typed by the same inference
as CSV, so an integer too big for a double stays text instead of being rounded. A document
that is one object (the wrapped layout) is parsed whole, up to ``MAX_DOCUMENT_BYTES``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import one_row, reading_error, session
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.parquet import write_parquet
from socle.ingest.typed import flatten_structs
from socle.sql import identifier, literal

EXTENSIONS = (".json", ".ndjson", ".jsonl")
MAX_OBJECT_BYTES = 64 << 20
MAX_DOCUMENT_BYTES = 1 << 30
# Leaf types read as text and inferred: doubles (exactness), unsigned, null-only, mixed.
AS_TEXT = {"DOUBLE", "UBIGINT", "NULL", "JSON"}


def first_char(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(1 << 16).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]


def objects_relation(path: Path, layout: str) -> str:
    """DuckDB's raw JSON values of the file, one row each (column ``json``)."""
    size = path.stat().st_size
    if layout == "unstructured" and size > MAX_DOCUMENT_BYTES:
        raise UnreadableFileError(
            "document JSON trop volumineux pour être lu d'un bloc ; publiez-le en NDJSON "
            "(un objet par ligne)",
            file=path.name,
        )
    limit = MAX_OBJECT_BYTES if layout != "unstructured" else max(size + 1, MAX_OBJECT_BYTES)
    return (
        f"read_json_objects({literal(str(path))}, format={literal(layout)}, "
        f"maximum_object_size={limit})"
    )


def records_query(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, str]:
    """SQL giving one raw JSON record per row (column ``j``), and the layout's name."""
    start = first_char(path)
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        layout = "newline_delimited"
    elif start == b"[":
        layout = "array"
    elif start == b"{":
        layout = "auto"
    else:
        raise UnreadableFileError(
            "ce n'est pas un fichier JSON (tableau d'objets ou un objet par ligne)",
            file=path.name,
        )
    objects = objects_relation(path, "unstructured" if layout == "auto" else layout)
    if layout != "auto":
        return f"SELECT json AS j FROM {objects}", layout  # noqa: S608
    if one_row(con, f"SELECT count(*) FROM (FROM {objects} LIMIT 2)")[0] > 1:  # noqa: S608
        return f"SELECT json AS j FROM {objects}", "newline_delimited"  # noqa: S608
    keys = [
        key
        for (key,) in con.execute(
            f"SELECT key FROM {objects}, json_each(json) "  # noqa: S608
            "WHERE json_type(value) = 'ARRAY' AND json_type(value -> 0) = 'OBJECT' ORDER BY key"
        ).fetchall()
    ]
    if not keys:
        return f"SELECT json AS j FROM {objects}", "object"  # noqa: S608
    if len(keys) > 1:
        raise UnreadableFileError(
            f"l'objet JSON contient plusieurs tableaux d'objets ({', '.join(keys)}) : "
            "impossible de savoir lequel lire",
            file=path.name,
        )
    member = literal('$."' + keys[0].replace('"', '\\"') + '"')
    return (
        f"SELECT unnest(CAST(json_extract(json, {member}) AS JSON[])) AS j FROM {objects}",  # noqa: S608
        "wrapped",
    )


def readable_structure(structure: Any, flatten: bool, top: bool = True) -> Any:
    """DuckDB's inferred JSON structure, changed so that nothing is read with loss.

    Arrays stay raw JSON; nested objects too unless flattened; leaves DuckDB would read as
    doubles (or could not type) are read as text for the inference to judge.
    """
    if isinstance(structure, dict):
        if not structure or (not top and not flatten):
            return "JSON"
        return {k: readable_structure(v, flatten, top=False) for k, v in structure.items()}
    if isinstance(structure, list):
        return ["JSON"]
    return "VARCHAR" if structure in AS_TEXT else structure


def structured(
    con: duckdb.DuckDBPyConnection, records: str, file_name: str, flatten: bool
) -> str | None:
    """Create view ``raw`` with one column per field of the records; None if no records."""
    con.execute(f"CREATE TEMP TABLE records AS {records}")
    structure, count, not_object = one_row(
        con,
        "SELECT json_group_structure(j), count(*), "
        "min(CASE WHEN json_type(j) <> 'OBJECT' THEN rowid END) FROM records",
    )
    if not count:
        return None
    if not_object is not None:
        raise UnreadableFileError(
            f"l'élément n° {not_object + 1} n'est pas un objet : un tableau d'objets est attendu",
            file=file_name,
        )
    shape = readable_structure(json.loads(structure), flatten)
    if not shape:
        raise UnreadableFileError("les objets JSON n'ont aucun champ", file=file_name)
    con.execute(
        "CREATE TEMP VIEW raw AS SELECT unnest(json_transform(j, "  # noqa: S608
        f"{literal(json.dumps(shape))})) FROM records ORDER BY rowid"
    )
    if flatten:
        leaves = flatten_structs(con, "raw")
        select = ", ".join(f"{expr} AS {identifier(name)}" for name, expr in leaves)
        con.execute(f"CREATE TEMP VIEW flat AS SELECT {select} FROM raw")  # noqa: S608
        return "flat"
    return "raw"


class JsonReader:
    """Arrays of objects, NDJSON, and objects wrapping one array of objects."""

    name: ClassVar[str] = "json"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in EXTENSIONS

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        if path.stat().st_size == 0:
            raise UnreadableFileError("fichier vide", file=path.name)
        with session(dest.parent, options.memory_limit) as con:
            try:
                records, layout = records_query(con, path)
                relation = structured(con, records, path.name, options.flatten)
                if relation is None:
                    raise UnreadableFileError("aucun objet dans le fichier", file=path.name)
                rows, fields, formats = write_parquet(
                    con, relation, dest, path.stat().st_size, progress
                )
            except duckdb.Error as exc:
                dest.unlink(missing_ok=True)
                raise reading_error(exc, path.name) from exc
        return ReadResult(
            schema={"fields": fields},
            row_count=rows,
            format="ndjson" if layout == "newline_delimited" else "json",
            details={"layout": layout, "flatten": options.flatten, "formats": formats},
        )
