"""CSV files for French spreadsheets, streamed: UTF-8 with a BOM, ``;`` between cells, CRLF.

Used by the registers' and the audit log's exports. A cell starting with one of
:data:`FORMULA_STARTS` gets a ``'`` in front so that the spreadsheet shows it instead of running
it as a formula: the same rule :mod:`socle.engine.exports` applies in SQL to data exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 1
) -> Iterator[bytes]:
    """The header, then the rows in chunks of ``batch`` rows; ``None`` is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff".encode() + _drain(buffer)
    for count, cells in enumerate(rows, 1):
        writer.writerow([safe_cell(cell) for cell in cells])
        if count % batch == 0:
            yield _drain(buffer)
    if rest := _drain(buffer):
        yield rest


def safe_cell(cell: Any) -> Any:
    """``cell`` as a spreadsheet shows it without running it."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return "" if cell is None else cell


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")
