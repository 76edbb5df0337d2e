"""CSV, TSV and TXT files as French authorities produce them.

Encoding and delimiter are sniffed (see ``encoding`` and ``dialect``), non-UTF-8 input is
transcoded in a streaming pass, then DuckDB parses the text once for type inference and once
to write Parquet. The file is never loaded whole into memory. Rows that are entirely empty
(``;;;;`` at the end of exports) are dropped; short rows are padded with missing values; a
row with more values than the header is an error naming its line.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import ClassVar

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import connect, reading_error, run_with_progress
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.dialect import detect_delimiter, header_names
from socle.ingest.encoding import (
    BOM,
    SAMPLE_BYTES,
    detect_encoding,
    looks_binary,
    read_head,
    transcode_to_utf8,
)
from socle.ingest.infer import (
    SPECULATION_FAILED,
    InferredColumn,
    infer_columns,
    select_list,
    speculative_columns,
)
from socle.sql import identifier, literal

EXTENSIONS = (".csv", ".tsv", ".txt", ".tab")
MAX_LINE_BYTES = 8 << 20


def _copy(columns: list[InferredColumn], dest: Path) -> str:
    return (
        f"COPY (SELECT {select_list(columns)} FROM src) TO {literal(str(dest))} "  # noqa: S608
        "(FORMAT parquet, COMPRESSION zstd)"
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    dest: Path,
    size: int,
    progress: ProgressCallback | None,
) -> tuple[list[InferredColumn], int]:
    """Write ``src`` typed as the sample suggests; verify every value if the guess fails."""
    inferred = speculative_columns(con, "src", names)
    try:
        return inferred, run_with_progress(con, _copy(inferred, dest), size, progress)
    except duckdb.Error as exc:
        if SPECULATION_FAILED not in str(exc):
            raise
    inferred = infer_columns(con, "src", names)
    return inferred, run_with_progress(con, _copy(inferred, dest), size, progress)


class CsvReader:
    """Delimited text."""

    name: ClassVar[str] = "csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in EXTENSIONS

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        head = read_head(path)
        if not head.strip():
            raise UnreadableFileError("fichier vide", file=path.name)
        if looks_binary(head):
            raise UnreadableFileError(
                "fichier binaire : ce n'est pas un fichier texte CSV", file=path.name
            )
        encoding = self._encoding(options, head, path)
        source = path
        work = dest.parent
        if encoding not in ("utf-8", "utf-8-sig"):
            source = work / f".{dest.stem}.utf8.csv"
            transcode_to_utf8(path, source, encoding, progress)
        body = head[len(BOM) :] if head.startswith(BOM) else head
        sample = body.decode(encoding, errors="replace").lstrip("\ufeff")
        delimiter = options.delimiter or detect_delimiter(sample)
        first_line = sample.splitlines()[0] if sample else ""
        names, warnings = header_names(first_line, delimiter)
        try:
            return self._convert(
                source,
                dest,
                names,
                delimiter,
                path.name,
                progress,
                encoding,
                warnings,
                options.memory_limit,
            )
        finally:
            if source != path:
                source.unlink(missing_ok=True)

    @staticmethod
    def _encoding(options: ReadOptions, head: bytes, path: Path) -> str:
        if options.encoding:
            try:
                return codecs.lookup(options.encoding).name
            except LookupError as exc:
                raise UnreadableFileError(
                    f"encodage inconnu « {options.encoding} »", file=path.name
                ) from exc
        return detect_encoding(head, complete=len(head) < SAMPLE_BYTES)

    @staticmethod
    def _convert(
        source: Path,
        dest: Path,
        names: list[str],
        delimiter: str,
        file_name: str,
        progress: ProgressCallback | None,
        encoding: str,
        warnings: list[str],
        memory_limit: str,
    ) -> ReadResult:
        columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
        not_blank = " OR ".join(f"{identifier(n)} IS NOT NULL" for n in names)
        size = source.stat().st_size
        con = connect(dest.parent, memory_limit)
        try:
            # DuckDB's parallel scanner refuses quoted line breaks in padded files: those
            # (multi-line comments in subsidy files, say) are read again on one thread.
            for parallel in ("true", "false"):
                relation = (
                    f"read_csv({literal(str(source))}, delim={literal(delimiter)}, quote='\"', "
                    f"escape='\"', header=true, auto_detect=false, columns={columns}, "
                    f"null_padding=true, max_line_size={MAX_LINE_BYTES}, parallel={parallel})"
                )
                con.execute(
                    f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {relation} "  # noqa: S608
                    f"WHERE {not_blank}"
                )
                try:
                    inferred, rows = _write(con, names, dest, size, progress)
                    break
                except duckdb.Error as exc:
                    if parallel == "false" or "parallel=false" not in str(exc):
                        raise
        except duckdb.Error as exc:
            dest.unlink(missing_ok=True)
            raise reading_error(exc, file_name) from exc
        finally:
            con.close()
        return ReadResult(
            schema={"fields": [c.field() for c in inferred]},
            row_count=rows,
            format="csv",
            warnings=warnings,
            details={"encoding": encoding, "delimiter": delimiter},
        )
