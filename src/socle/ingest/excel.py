"""Spreadsheets: XLSX, XLS and ODS through calamine (one fast reader for the three).

Cells are turned into text as the spreadsheet shows their value (numbers without a trailing
``.0``, dates in ISO), then typed by the same inference as CSV, so a code typed as text with
a leading zero stays text and a column of real numbers becomes numeric.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from socle.errors import UnreadableFileError
from socle.ingest._duckdb import connect, reading_error
from socle.ingest.base import ProgressCallback, ReadOptions, ReadResult
from socle.ingest.dialect import unique_names
from socle.ingest.infer import infer_columns, select_list
from socle.sql import literal

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")


def cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            str(int(value))
            if value.is_integer() and abs(value) < 1e15
            else format(Decimal(repr(value)), "f")
        )
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class ExcelReader:
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
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except (CalamineError, OSError, ValueError) as exc:
            raise UnreadableFileError(f"classeur illisible ({exc})", file=path.name) from exc
        sheets = workbook.sheet_names
        if not sheets:
            raise UnreadableFileError("le classeur ne contient aucune feuille", file=path.name)
        sheet = options.sheet or sheets[0]
        if sheet not in sheets:
            raise UnreadableFileError(
                f"feuille « {sheet} » introuvable ; feuilles : {', '.join(sheets)}", file=path.name
            )
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=True)
        rows = [r for r in rows if any(c not in (None, "") for c in r)]
        if not rows:
            raise UnreadableFileError(f"la feuille « {sheet} » est vide", file=path.name)
        header, body = rows[0], rows[1:]
        names, warnings = unique_names([cell_text(c) or "" for c in header])
        width = len(names)
        columns = {
            name: [cell_text(r[i]) if i < len(r) else None for r in body]
            for i, name in enumerate(names)
        }
        extra = [n + 2 for n, r in enumerate(body) if any(c not in (None, "") for c in r[width:])]
        if extra:
            raise UnreadableFileError(
                "valeurs hors des colonnes nommées par l'en-tête", file=path.name, line=extra[0]
            )
        table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
        con = connect(dest.parent, options.memory_limit)
        try:
            con.register("sheet", table)
            inferred = infer_columns(con, "sheet", names)
            con.execute(
                f"COPY (SELECT {select_list(inferred)} FROM sheet) TO {literal(str(dest))} "  # noqa: S608
                "(FORMAT parquet, COMPRESSION zstd)"
            )
        except duckdb.Error as exc:
            dest.unlink(missing_ok=True)
            raise reading_error(exc, path.name) from exc
        finally:
            con.close()
        if progress:
            progress(path.stat().st_size)
        return ReadResult(
            schema={"fields": [c.field() for c in inferred]},
            row_count=len(body),
            format=path.suffix.lower().lstrip(".").replace("xlsm", "xlsx"),
            warnings=warnings,
            details={"sheet": sheet, "sheets": sheets},
        )
