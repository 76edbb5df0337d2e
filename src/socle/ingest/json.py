"""JSON files: an array of objects, NDJSON (one object per line), or an object holding one
array of objects (``{"data": [...]}``, as many APIs answer).

Nested objects become ``parent.child`` columns (or stay JSON text with ``flatten=False``);
arrays stay JSON text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import connect, reading_error
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.parquet import write_parquet
from socle.ingest.typed import flatten_structs
from socle.sql import identifier, literal

EXTENSIONS = (".json", ".ndjson", ".jsonl")
MAX_OBJECT_BYTES = 64 << 20


def json_layout(path: Path) -> str:
    """``array``, ``newline_delimited`` or ``wrapped`` from the first bytes."""
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        return "newline_delimited"
    with path.open("rb") as f:
        head = f.read(1 << 16).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        return "array"
    if not head.startswith(b"{"):
        raise UnreadableFileError(
            "ce n'est pas un fichier JSON (tableau ou objets)", file=path.name
        )
    first_line, _, rest = head.partition(b"\n")
    try:
        first = json.loads(first_line)
    except ValueError:
        return "wrapped"
    holds_records = any(
        isinstance(v, list) and v and all(isinstance(x, dict) for x in v) for v in first.values()
    )
    return "wrapped" if holds_records and not rest.strip() else "newline_delimited"


def unwrap(path: Path, target: Path) -> None:
    """Write the single array of objects held by a JSON object as NDJSON."""
    try:
        document: Any = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(f"JSON invalide ({exc})", file=path.name) from exc
    arrays = [
        value
        for value in document.values()
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    ]
    if len(arrays) != 1:
        raise UnreadableFileError(
            "l'objet JSON doit contenir exactement un tableau d'objets", file=path.name
        )
    with target.open("w", encoding="utf-8") as out:
        for record in arrays[0]:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_records_file(
    path: Path,
    source: Path,
    layout: str,
    dest: Path,
    options: ReadOptions,
    progress: ProgressCallback | None,
    overrides: dict[str, str] | None = None,
) -> tuple[int, list[dict[str, str]]]:
    """Parquet from JSON records; ``overrides`` forces field types (e.g. geometry)."""
    con = connect(dest.parent, options.memory_limit)
    try:
        con.execute(
            f"CREATE TEMP VIEW raw AS SELECT * FROM read_json({literal(str(source))}, "  # noqa: S608
            f"format='{layout}', records=true, sample_size=-1, "
            f"maximum_object_size={MAX_OBJECT_BYTES})"
        )
        if options.flatten:
            leaves = flatten_structs(con, "raw")
            select = ", ".join(f"{expr} AS {identifier(name)}" for name, expr in leaves)
            con.execute(f"CREATE TEMP VIEW flat AS SELECT {select} FROM raw")  # noqa: S608
        else:
            con.execute("CREATE TEMP VIEW flat AS SELECT * FROM raw")
        rows, fields = write_parquet(con, "flat", dest, path.stat().st_size, progress)
    except duckdb.Error as exc:
        dest.unlink(missing_ok=True)
        raise reading_error(exc, path.name) from exc
    finally:
        con.close()
    for field in fields:
        if overrides and field["name"] in overrides:
            field["type"] = overrides[field["name"]]
            field.pop("format", None)
    return rows, fields


class JsonReader:
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
        layout = json_layout(path)
        source = path
        if layout == "wrapped":
            source = dest.parent / f".{dest.stem}.ndjson"
            unwrap(path, source)
            layout = "newline_delimited"
        try:
            rows, fields = read_records_file(path, source, layout, dest, options, progress)
        finally:
            if source != path:
                source.unlink(missing_ok=True)
        return ReadResult(
            schema={"fields": fields},
            row_count=rows,
            format="ndjson" if layout == "newline_delimited" else "json",
            details={"layout": layout, "flatten": options.flatten},
        )
