"""CSV, TSV and TXT files as French authorities produce them.

Encoding and delimiter are sniffed (see ``encoding`` and ``dialect``); non-UTF-8 input is
transcoded to a temporary UTF-8 file beside the output in a streaming pass. DuckDB then
parses the text with the header names Python read, every value as text; types are guessed
on a sample and the Parquet file is written in one pass whose conversions fail loudly if a
later value contradicts the guess (then the columns are verified on every value and the
file is written again). The file is never loaded whole into memory.

Rows: blank rows (``;;;;`` at the end of exports) are dropped; a row with fewer
values than the header is padded with missing values and counted in a warning; a row with
more values is an error naming its line. Files mixing CRLF and LF between records are
rewritten with LF before parsing, since DuckDB's strict parser refuses them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import duckdb
import pyarrow.parquet as pq

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import (
    MIXED_NEWLINES,
    one_row,
    reading_error,
    run_with_progress,
    session,
)
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.dialect import (
    check_delimiter,
    detect_delimiter,
    header_row,
    record_start_line,
    unique_names,
)
from socle.ingest.encoding import (
    SAMPLE_BYTES,
    UTF8,
    UTF16_BOMS,
    WIDE,
    check_encoding,
    detect_encoding,
    looks_binary,
    read_head,
    rewrite_utf8,
    without_bom,
)
from socle.ingest.infer import (
    BLANKS,
    SPECULATION_FAILED,
    InferredColumn,
    infer_columns,
    select_list,
    source_formats,
    speculative_columns,
)
from socle.sql import identifier, literal

EXTENSIONS = (".csv", ".tsv", ".txt", ".tab")
MAX_LINE_BYTES = 8 << 20
# Empty cells must read as '' so that a padded (missing) cell, NULL, can be told apart.
NULL_SENTINEL = "\x1fsocle:null\x1f"


class MixedNewlines(Exception):
    """DuckDB refused line endings that change between records: rewrite the file first."""


def text_relation(
    source: Path, names: list[str], delimiter: str, skip: int, parallel: bool = False
) -> str:
    """DuckDB's read of a UTF-8 CSV, every value as text under ``names``.

    An empty cell reads as ``''`` and a cell the record lacks (a short row) as NULL.
    """
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv({literal(str(source))}, delim={literal(delimiter)}, quote='\"', "
        f"escape='\"', header=true, skip={skip}, auto_detect=false, columns={columns}, "
        f"null_padding=true, nullstr={literal(NULL_SENTINEL)}, strict_mode=true, "
        f"max_line_size={MAX_LINE_BYTES}, parallel={str(parallel).lower()})"
    )


class CsvReader:
    """Delimited text."""

    name: ClassVar[str] = "csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        """By extension; a file without extension is read as CSV if it is text."""
        suffix = path.suffix.lower()
        return suffix in EXTENSIONS or (suffix == "" and bool(head) and not looks_binary(head))

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        layout = sniff_layout(path, options)
        warnings = list(layout.warnings)
        plan = _Plan(
            path, dest, layout.names, layout.delimiter, layout.skip, options.memory_limit, progress
        )
        with utf8_source(path, layout, dest.parent, progress) as (source, rewrite):
            try:
                columns, rows, short = plan.convert(source)
            except MixedNewlines:
                columns, rows, short = plan.convert(rewrite())
        if short:
            warnings.append(
                f"{short} ligne(s) avec moins de valeurs que de colonnes : "
                "complétée(s) par des valeurs manquantes"
            )
        return ReadResult(
            schema={"fields": [c.field() for c in columns]},
            row_count=rows,
            format="csv",
            warnings=warnings,
            details={
                "encoding": layout.encoding,
                "delimiter": layout.delimiter,
                "formats": source_formats(columns),
            },
        )


@dataclass(frozen=True)
class CsvLayout:
    """How a delimited file is written: what the reader and the validator both need."""

    encoding: str
    delimiter: str
    labels: list[str]  # header cells as written
    names: list[str]  # the same made unique and non-empty: the column names
    warnings: list[str]
    skip: int  # blank lines before the header


def sniff_layout(path: Path, options: ReadOptions) -> CsvLayout:
    """Encoding, delimiter and header of ``path``, or the ones the user forced."""
    head = read_head(path)
    complete = len(head) < SAMPLE_BYTES
    if options.encoding:
        encoding = check_encoding(options.encoding, path.name)
    else:
        if looks_binary(head) and not head.startswith(UTF16_BOMS):
            raise UnreadableFileError(
                "fichier binaire : ce n'est pas un fichier texte CSV", file=path.name
            )
        encoding = detect_encoding(head, complete, path.name)
    sample = _decoded(head, encoding)
    if not sample.strip():
        raise UnreadableFileError("fichier vide", file=path.name)
    if options.delimiter:
        delimiter = check_delimiter(options.delimiter, path.name)
    else:
        delimiter = detect_delimiter(sample)
    labels, skip = header_row(sample, delimiter, complete, path.name)
    names, warnings = unique_names(labels)
    return CsvLayout(encoding, delimiter, labels, names, warnings, skip)


@contextmanager
def utf8_source(
    path: Path, layout: CsvLayout, work_dir: Path, progress: ProgressCallback | None = None
) -> Iterator[tuple[Path, Callable[[], Path]]]:
    """The file as DuckDB can parse it, and a function rewriting it with LF line endings.

    DuckDB skips leading lines by its own count of line endings, which goes wrong (silently)
    when they are mixed, and its strict parser refuses them: such files, non-UTF-8 ones and
    ones with lines before the header are rewritten as UTF-8 with LF beside the output. The
    rewritten file is removed on exit.
    """
    work = work_dir / f".{path.stem}.{uuid.uuid4().hex[:8]}.utf8.csv"

    def rewrite() -> Path:
        rewrite_utf8(path, work, layout.encoding, newlines=True, progress=progress)
        return work

    try:
        if layout.encoding not in UTF8 or layout.skip:
            rewrite_utf8(path, work, layout.encoding, newlines=bool(layout.skip), progress=progress)
            yield work, rewrite
        else:
            yield path, rewrite
    finally:
        work.unlink(missing_ok=True)


def _decoded(head: bytes, encoding: str) -> str:
    """The sample as text; the last character may be cut, hence ``replace``."""
    body = head if encoding.startswith(WIDE) else without_bom(head)
    return body.decode(encoding, errors="replace").lstrip("\ufeff")


class _Plan:
    """Everything needed to turn a UTF-8 CSV into the typed Parquet file."""

    def __init__(
        self,
        path: Path,
        dest: Path,
        names: list[str],
        delimiter: str,
        skip: int,
        memory_limit: str,
        progress: ProgressCallback | None,
    ) -> None:
        self.path, self.dest, self.names, self.delimiter = path, dest, names, delimiter
        self.skip, self.memory_limit, self.progress = skip, memory_limit, progress

    def convert(self, source: Path) -> tuple[list[InferredColumn], int, int]:
        """Write the Parquet file; return its columns, row count and short-row count."""
        filled = " OR ".join(
            f"{identifier(n)} >= '!' OR trim(coalesce({identifier(n)}, ''), '{BLANKS}') <> ''"
            for n in self.names
        )
        with session(self.dest.parent, self.memory_limit) as con:
            try:
                # DuckDB's parallel scanner refuses quoted line breaks in padded files: those
                # (multi-line comments in subsidy files, say) are read again on one thread.
                for parallel in (True, False):
                    con.execute(
                        "CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM "  # noqa: S608
                        f"{text_relation(source, self.names, self.delimiter, self.skip, parallel)} "
                        f"WHERE {filled}"
                    )
                    try:
                        columns, rows = self._write(con, source.stat().st_size)
                        break
                    except duckdb.Error as exc:
                        if not parallel or "parallel=false" not in str(exc):
                            raise
                return columns, rows, self._short_rows(con)
            except duckdb.Error as exc:
                self.dest.unlink(missing_ok=True)
                if MIXED_NEWLINES in str(exc):
                    raise MixedNewlines from exc
                raise reading_error(
                    exc, self.path.name, lambda n: record_start_line(source, self.delimiter, n)
                ) from exc

    def _write(self, con: duckdb.DuckDBPyConnection, size: int) -> tuple[list[InferredColumn], int]:
        """Write ``src`` typed as the sample suggests; verify every value if the guess fails."""
        columns = speculative_columns(con, "src", self.names)
        try:
            return columns, run_with_progress(con, self._copy(columns), size, self.progress)
        except duckdb.Error as exc:
            if SPECULATION_FAILED not in str(exc):
                raise
        columns = infer_columns(con, "src", self.names)
        return columns, run_with_progress(con, self._copy(columns), size, self.progress)

    def _copy(self, columns: list[InferredColumn]) -> str:
        return (
            f"COPY (SELECT {select_list(columns)} FROM src) TO {literal(str(self.dest))} "  # noqa: S608
            "(FORMAT parquet, COMPRESSION zstd)"
        )

    def _short_rows(self, con: duckdb.DuckDBPyConnection) -> int:
        """Rows padded with missing values: only counted when the last column has gaps."""
        metadata = pq.read_metadata(self.dest)
        last = metadata.num_columns - 1
        gaps = sum(
            (metadata.row_group(g).column(last).statistics.null_count or 0)
            for g in range(metadata.num_row_groups)
            if metadata.row_group(g).column(last).statistics is not None
        )
        if not gaps:
            return 0
        last = identifier(self.names[-1])
        return int(one_row(con, f"SELECT count(*) FROM src WHERE {last} IS NULL")[0])  # noqa: S608
