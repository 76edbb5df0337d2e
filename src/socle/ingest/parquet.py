"""Parquet files: already typed, already columnar; types are mapped to Table Schema."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import connect, reading_error, run_with_progress
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.infer import select_list
from socle.ingest.typed import typed_columns
from socle.sql import literal

MAGIC = b"PAR1"


def write_parquet(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    dest: Path,
    total: int,
    progress: ProgressCallback | None,
) -> tuple[int, list[dict[str, str]]]:
    """Write ``relation`` to ``dest`` with Table Schema types; return rows and fields."""
    columns = typed_columns(con, relation)
    copy = (
        f"COPY (SELECT {select_list(columns)} FROM {relation}) TO {literal(str(dest))} "  # noqa: S608
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    return run_with_progress(con, copy, total, progress), [c.field() for c in columns]


class ParquetReader:
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
        with path.open("rb") as f:
            if f.read(4) != MAGIC:
                raise UnreadableFileError("ce n'est pas un fichier Parquet", file=path.name)
        con = connect(dest.parent, options.memory_limit)
        try:
            relation = f"read_parquet({literal(str(path))})"
            rows, fields = write_parquet(con, relation, dest, path.stat().st_size, progress)
        except duckdb.Error as exc:
            dest.unlink(missing_ok=True)
            raise reading_error(exc, path.name) from exc
        finally:
            con.close()
        return ReadResult(schema={"fields": fields}, row_count=rows, format="parquet")
