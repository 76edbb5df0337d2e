"""A file as the validator sees it: every cell as the text written, numbered as frictionless does.

Validation is about what was written ("1,5", "2024-13-01", "01004"), not about the types the
ingest inferred, so CSV files are parsed again with every value as text. Other formats
(spreadsheets, JSON, Parquet) hold typed values already: their cells are the values' text.

A CSV file is read by DuckDB's parallel reader straight from the file, in the pass that
computes what the checks need (see ``checked``): its text is stored in ``cells`` only if a
check has to come back to it. A file that reader refuses (records longer than the header,
quoted line breaks in short records, mixed line endings, a broken file) is read again on one
thread into ``cells``, with its extra cells or an error naming the right line.

Row numbers follow frictionless: the header is row 1, each record counts one (a quoted value
spanning lines included), and empty lines count as blank rows. DuckDB skips empty lines, so
when a file has some, their positions are found with Python's csv module (only then).
"""

from __future__ import annotations

import csv
import mmap
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest import read_file
from socle.ingest._duckdb import COLUMNS, MIXED_NEWLINES, reading_error
from socle.ingest.base import ReadOptions
from socle.ingest.csv import (
    CsvLayout,
    CsvReader,
    MixedNewlines,
    sniff_layout,
    text_relation,
    utf8_source,
)
from socle.sql import identifier, literal

# A record with more cells than the header keeps them in extra columns, up to this many.
MAX_EXTRA_CELLS = 64
EMPTY_LINE = re.compile(rb"\n\r?\n")


@dataclass
class TextTable:
    """A file's cells, one VARCHAR per label, in file order, read from ``source``: the
    ``cells`` table, or DuckDB's reader of the file (``store`` copies it into ``cells``).

    A NULL cell is one the record did not have (a short row); an empty cell is ``''``.
    ``row_number`` is the SQL of a record's row number from its 0-based position ``{rowid}``.
    """

    labels: list[str]  # header cells as written
    columns: list[str]  # their column names in ``source`` (unique)
    extra: list[str] = field(default_factory=list)  # columns of cells beyond the header
    # Row numbers of empty lines, which DuckDB does not return: each is a blank row.
    empty_rows: list[int] = field(default_factory=list)
    file_name: str = ""
    # Written "a, b, c": spaces after each delimiter are layout, not data (csv's
    # ``skipinitialspace``, which frictionless sniffs).
    initial_space: bool = False
    row_number: str = "{rowid} + 2"
    source: str = "cells"
    # Reads the file again into ``cells``, one thread, if ``source``'s reader refuses it.
    careful: Callable[[], TextTable] | None = None

    def store(self, con: duckdb.DuckDBPyConnection) -> None:
        """Copy the cells into the ``cells`` table, if they are read from the file."""
        if self.source != "cells":
            con.execute(f"CREATE OR REPLACE TABLE cells AS SELECT * FROM {self.source}")  # noqa: S608
            self.source = "cells"


@contextmanager
def text_table(
    con: duckdb.DuckDBPyConnection, path: Path, work_dir: Path, options: ReadOptions
) -> Iterator[TextTable]:
    """The cells of ``path`` in ``con``; a CSV file stays readable until the block ends."""
    with path.open("rb") as f:
        head = f.read(4096)
    try:
        if CsvReader().sniff(path, head) and not _compressed(path):
            layout = sniff_layout(path, options)
            with utf8_source(path, layout, work_dir) as (source, rewrite):
                yield _csv_table(con, path.name, layout, source, rewrite)
        else:
            yield _typed_cells(con, path, work_dir, options)
    finally:
        con.execute("DROP TABLE IF EXISTS cells")
        con.execute("DROP TABLE IF EXISTS empty_lines")


def parquet_cells(con: duckdb.DuckDBPyConnection, parquet: Path, file_name: str) -> TextTable:
    """The cells of an already typed Parquet file (a version's data), as text."""
    names = [
        r[0]
        for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(parquet)]).fetchall()
    ]
    casts = ", ".join(f"CAST({identifier(n)} AS VARCHAR) AS {identifier(n)}" for n in names)
    con.execute(
        f"CREATE OR REPLACE TABLE cells AS SELECT {casts} "  # noqa: S608
        f"FROM read_parquet({literal(str(parquet))})"
    )
    return TextTable(labels=names, columns=names, file_name=file_name)


def _compressed(path: Path) -> bool:
    return path.suffix.lower() in {".gz", ".zip"}


def _typed_cells(
    con: duckdb.DuckDBPyConnection, path: Path, work_dir: Path, options: ReadOptions
) -> TextTable:
    parquet = work_dir / f".{path.name}.cells.parquet"
    try:
        read_file(path, parquet, options)
        return parquet_cells(con, parquet, path.name)
    finally:
        parquet.unlink(missing_ok=True)


def _csv_table(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    layout: CsvLayout,
    source: Path,
    rewrite: Callable[[], Path],
) -> TextTable:
    """The cells as DuckDB's parallel reader reads them from ``source``."""

    def careful() -> TextTable:
        path = source
        try:
            extra = _load_csv(con, path, layout, file_name)
        except MixedNewlines:
            path = rewrite()
            extra = _load_csv(con, path, layout, file_name)
        return _layout_table(con, file_name, layout, path, "cells", extra)

    relation = text_relation(source, layout.names, layout.delimiter, layout.skip, parallel=True)
    try:
        table = _layout_table(con, file_name, layout, source, relation, [])
    except UnreadableFileError:
        return careful()  # DuckDB's own error, if it has one, comes first as it always did
    table.careful = careful
    return table


def _layout_table(
    con: duckdb.DuckDBPyConnection,
    file_name: str,
    layout: CsvLayout,
    path: Path,
    relation: str,
    extra: list[str],
) -> TextTable:
    """The cells of the UTF-8 file at ``path`` (read from ``relation``), numbered."""
    empty = _empty_records(path, layout.delimiter) if _has_empty_lines(path) else []
    # Data record i (position i - 1) is row i + 1 after the header, plus the empty lines before.
    row_number = f"{{rowid}} + {layout.skip + 2}"
    if empty:
        con.execute("CREATE OR REPLACE TEMP TABLE empty_lines (after BIGINT)")
        con.executemany("INSERT INTO empty_lines VALUES (?)", [[after] for after, _ in empty])
        row_number += " + (SELECT count(*) FROM empty_lines WHERE after <= {rowid})"
    labels = [label.lstrip("\ufeff") for label in layout.labels]
    initial_space = len(labels) > 1 and all(label.startswith(" ") for label in labels[1:])
    return TextTable(
        labels=[label.lstrip(" ") for label in labels] if initial_space else labels,
        initial_space=initial_space,
        row_number=row_number,
        columns=layout.names,
        extra=extra,
        empty_rows=[row for _, row in empty],
        file_name=file_name,
        source=relation,
    )


def _load_csv(
    con: duckdb.DuckDBPyConnection, source: Path, layout: CsvLayout, file_name: str
) -> list[str]:
    """Create ``cells``; return the extra columns needed for records longer than the header."""
    extra: list[str] = []
    while True:
        names = [*layout.names, *extra]
        relation = text_relation(source, names, layout.delimiter, layout.skip)
        try:
            con.execute(f"CREATE OR REPLACE TABLE cells AS SELECT * FROM {relation}")  # noqa: S608
            return extra
        except duckdb.Error as exc:
            text = str(exc)
            found = COLUMNS.search(text)
            if found and len(extra) < MAX_EXTRA_CELLS:
                width = max(int(found.group(2)), len(names) + 1)
                extra = [f"_extra_{i}" for i in range(1, width - len(layout.names) + 1)]
                continue
            if MIXED_NEWLINES in text:
                raise MixedNewlines from exc
            raise reading_error(exc, file_name) from exc


def _has_empty_lines(path: Path) -> bool:
    """Whether an empty line appears anywhere (maybe inside a quoted value: then harmless)."""
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        # One regular expression scans twice as fast as two bytes.find (frequent first byte).
        return EMPTY_LINE.search(data) is not None


def _empty_records(path: Path, delimiter: str) -> list[tuple[int, int]]:
    """(data records before it, row number) of each empty record after the header."""
    found: list[tuple[int, int]] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header_seen, data = False, 0
        try:
            for number, record in enumerate(reader, start=1):
                if not header_seen:
                    header_seen = bool(record)
                elif record:
                    data += 1
                else:
                    found.append((data, number))
        except csv.Error as exc:
            raise UnreadableFileError(f"CSV illisible ({exc})", file=path.name) from exc
    return found
