"""Parquet files: already typed, already columnar; types are mapped to Table Schema.

Only the mapping can lose information, so it does not: see ``typed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import reading_error, run_with_progress, session
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.infer import select_list, source_formats
from socle.ingest.typed import typed_columns
from socle.sql import literal

MAGIC = b"PAR1"


def write_parquet(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    dest: Path,
    total: int,
    progress: ProgressCallback | None,
    infer_text: bool = True,
    fixed: dict[str, str] | None = None,
) -> tuple[int, list[dict[str, str]], dict[str, str]]:
    """Write ``relation`` to ``dest`` with Table Schema types (see ``typed_columns``).

    Returns the row count, the schema's fields and the source formats per column.
    """
    columns = typed_columns(con, relation, infer_text, fixed)
    copy = (
        f"COPY (SELECT {select_list(columns)} FROM {relation}) TO {literal(str(dest))} "  # noqa: S608
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    rows = run_with_progress(con, copy, total, progress)
    return rows, [c.field() for c in columns], source_formats(columns)


def is_parquet(path: Path) -> bool:
    """Parquet files start and end with ``PAR1``."""
    if path.stat().st_size < 12:
        return False
    with path.open("rb") as f:
        start = f.read(4)
        f.seek(-4, 2)
        return start == MAGIC and f.read(4) == MAGIC


class ParquetReader:
    """Parquet, copied with its types mapped (text columns still inferred)."""

    name: ClassVar[str] = "parquet"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".parquet" or head.startswith(MAGIC)

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        if not is_parquet(path):
            raise UnreadableFileError(
                "ce n'est pas un fichier Parquet complet (signature PAR1 absente)",
                file=path.name,
            )
        with session(dest.parent, options.memory_limit) as con:
            try:
                relation = f"read_parquet({literal(str(path))})"
                rows, fields, formats = write_parquet(
                    con, relation, dest, path.stat().st_size, progress, infer_text=False
                )
            except duckdb.Error as exc:
                dest.unlink(missing_ok=True)
                raise reading_error(exc, path.name) from exc
        return ReadResult(
            schema={"fields": fields},
            row_count=rows,
            format="parquet",
            details={"formats": formats},
        )
