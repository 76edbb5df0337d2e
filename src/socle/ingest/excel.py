"""Spreadsheets: XLSX, XLS and ODS through calamine (one fast reader for the three).

The format is recognised from the content, not the extension (an ODS named ``.xls`` is
common). The header is the first non-empty row. Rows are streamed in batches into a
staging Parquet file of text cells (numbers as the spreadsheet shows them, dates in ISO),
while the kind of every cell is noted per column; the same inference as CSV then types
each column, restricted by what its cells were: a column of number cells becomes an
integer or a number (however many digits), a column of date cells a date, and a code typed
as text with a leading zero stays text.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import reading_error, session
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.dialect import unique_names
from socle.ingest.infer import (
    BOOLEAN,
    CODE_NAME,
    ISO_DATE,
    ISO_DATETIME,
    NUMBER_CELLS,
    TIME,
    Candidate,
    InferredColumn,
    infer_columns,
    select_list,
    source_formats,
    starting_candidates,
)
from socle.sql import literal

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
BATCH_ROWS = 50_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What cells of a single kind may become; mixed or text cells get every candidate.
KIND_CANDIDATES: dict[frozenset[type], tuple[Candidate, ...]] = {
    frozenset({float}): NUMBER_CELLS,
    frozenset({int}): NUMBER_CELLS,
    frozenset({int, float}): NUMBER_CELLS,
    frozenset({bool}): (BOOLEAN,),
    frozenset({dt.date}): (ISO_DATE,),
    frozenset({dt.datetime}): (ISO_DATETIME,),
    frozenset({dt.date, dt.datetime}): (ISO_DATETIME,),
    frozenset({dt.time}): (TIME,),
}


def cell_text(value: Any) -> str | None:
    """A cell as the spreadsheet shows it: ``12500`` not ``12500.0``, dates in ISO."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def spreadsheet_format(path: Path) -> str:
    """``xlsx``, ``xls`` or ``ods`` from the first bytes, whatever the extension says."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableFileError("classeur illisible (zip corrompu)", file=path.name) from exc
        return "ods" if "content.xml" in names else "xlsx"
    raise UnreadableFileError(
        "ce n'est pas un classeur XLSX, XLS ou ODS (contenu non reconnu)", file=path.name
    )


def _open_sheet(path: Path, wanted: str | None) -> tuple[CalamineSheet, str, list[str]]:
    try:
        with path.open("rb") as f:
            workbook = CalamineWorkbook.from_filelike(f)
        sheets = list(workbook.sheet_names)
        if not sheets:
            raise UnreadableFileError("le classeur ne contient aucune feuille", file=path.name)
        name = wanted or sheets[0]
        if name not in sheets:
            raise UnreadableFileError(
                f"feuille « {name} » introuvable ; feuilles : {', '.join(sheets)}",
                file=path.name,
            )
        return workbook.get_sheet_by_name(name), name, sheets
    except PasswordError as exc:
        raise UnreadableFileError("classeur protégé par mot de passe", file=path.name) from exc
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFileError(f"classeur illisible ({exc})", file=path.name) from exc


class _Staging:
    """Text cells written to Parquet in batches, with the kinds of cell seen per column."""

    def __init__(self, target: Path, names: list[str]) -> None:
        self.target, self.names = target, names
        self.schema = pa.schema([(n, pa.string()) for n in names])
        self.writer = pq.ParquetWriter(target, self.schema)
        self.kinds: list[set[type]] = [set() for _ in names]
        self.rows = 0

    def add(self, batch: list[list[Any]]) -> None:
        width = len(self.names)
        columns = list(zip(*(row[:width] for row in batch), strict=True))
        arrays = []
        for index, column in enumerate(columns):
            kinds = {type(v) for v in column if v != ""}
            self.kinds[index] |= kinds
            if kinds <= {str}:
                arrays.append(pa.array([v or None for v in column], pa.string()))
            else:
                arrays.append(pa.array([cell_text(v) for v in column], pa.string()))
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.rows += len(batch)

    def close(self) -> None:
        self.writer.close()

    def start_candidates(self, names: list[str]) -> dict[str, tuple[Candidate, ...]]:
        """Per column, the candidates its kinds of cell allow (default: all of them)."""
        start = starting_candidates(names)
        for name in names:
            allowed = KIND_CANDIDATES.get(frozenset(self.kinds[self.names.index(name)]))
            if allowed is not None:
                start[name] = tuple(
                    c for c in allowed if not (c.numeric and CODE_NAME.search(name))
                )
        return start

    def empty(self, index: int) -> bool:
        return not self.kinds[index]


def _rows(sheet: CalamineSheet) -> Iterator[tuple[int, list[Any]]]:
    """Non-empty rows with their row number as the spreadsheet shows it (1-based)."""
    first_row = sheet.start[0] if sheet.start else 0
    for offset, row in enumerate(sheet.iter_rows()):
        if any(cell != "" for cell in row):
            yield first_row + offset + 1, row


class ExcelReader:
    """XLSX, XLS and ODS workbooks, one sheet at a time."""

    name: ClassVar[str] = "excel"

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in EXTENSIONS

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        kind = spreadsheet_format(path)
        sheet, sheet_name, sheets = _open_sheet(path, options.sheet)
        rows = _rows(sheet)
        header = next(rows, None)
        if header is None:
            raise UnreadableFileError(f"la feuille « {sheet_name} » est vide", file=path.name)
        cells = [cell_text(c) or "" for c in header[1]]
        names, warnings = unique_names(cells)
        staged = dest.parent / f".{dest.stem}.cells.parquet"
        try:
            staging = _Staging(staged, names)
            try:
                self._stage(staging, rows, path, progress, sheet.height or 1)
            finally:
                staging.close()
            # Columns with neither header nor values are layout, not data.
            dropped = {n for i, n in enumerate(names) if not cells[i].strip() and staging.empty(i)}
            kept = [n for n in names if n not in dropped]
            warnings = [w for w in warnings if not any(f"« {n} »" in w for n in dropped)]
            columns = self._convert(staging, kept, dest, options.memory_limit, path.name)
        finally:
            staged.unlink(missing_ok=True)
        if progress:
            progress(path.stat().st_size)
        return ReadResult(
            schema={"fields": [c.field() for c in columns]},
            row_count=staging.rows,
            format=kind,
            warnings=warnings,
            details={"sheet": sheet_name, "sheets": sheets, "formats": source_formats(columns)},
        )

    @staticmethod
    def _stage(
        staging: _Staging,
        rows: Iterator[tuple[int, list[Any]]],
        path: Path,
        progress: ProgressCallback | None,
        height: int,
    ) -> None:
        size = path.stat().st_size
        batch: list[list[Any]] = []
        for number, row in rows:
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                staging.add(batch)
                batch = []
                if progress:
                    progress(min(size, size * number // height))
        if batch:
            staging.add(batch)

    @staticmethod
    def _convert(
        staging: _Staging, names: list[str], dest: Path, memory_limit: str, file_name: str
    ) -> list[InferredColumn]:
        with session(dest.parent, memory_limit) as con:
            try:
                con.execute(
                    f"CREATE VIEW cells AS FROM read_parquet({literal(str(staging.target))})"
                )
                columns = infer_columns(con, "cells", names, staging.start_candidates(names))
                con.execute(
                    f"COPY (SELECT {select_list(columns)} FROM cells) TO {literal(str(dest))} "  # noqa: S608
                    "(FORMAT parquet, COMPRESSION zstd)"
                )
            except duckdb.Error as exc:
                dest.unlink(missing_ok=True)
                raise reading_error(exc, file_name) from exc
        return columns
