"""DuckDB connections for ingest: bounded memory, spilling beside the output, clear errors."""

from __future__ import annotations

import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from socle.errors import LimitExceededError, SocleError, UnreadableFileError
from socle.ingest.base import ProgressCallback

RECORD = re.compile(r"Line: (\d+)")
COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
# Shown as the cause when DuckDB's parser gives up on line endings that change mid-file.
MIXED_NEWLINES = "state machine reached an invalid state"


@contextmanager
def session(work_dir: Path, memory_limit: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private in-memory database that spills to ``work_dir`` beyond ``memory_limit``.

    The spill folder is removed on exit: the output's folder becomes the version as is.
    """
    spill = work_dir / f".duckdb-spill-{uuid.uuid4().hex}"
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{_checked_size(memory_limit)}'")
        con.execute("SET temp_directory = ?", [str(spill)])
        con.execute("SET preserve_insertion_order = true")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _checked_size(size: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]?i?B", size.strip(), re.IGNORECASE):
        raise ValueError(f"memory limit {size!r} is not a size such as '1GB'")
    return size.strip()


def reading_error(
    exc: duckdb.Error,
    file_name: str,
    line_of: Callable[[int], int] | None = None,
) -> SocleError:
    """A French message for DuckDB's reading errors, with the line when DuckDB gives it.

    DuckDB numbers records (header included); ``line_of`` turns that into the physical
    line, which differs when quoted values span several lines.
    """
    text = str(exc)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return LimitExceededError(
            "mémoire insuffisante pour lire ce fichier (limite de mémoire de l'ingestion)",
            detail=text,
        )
    match = RECORD.search(text)
    line = None
    if match:
        line = line_of(int(match.group(1))) if line_of else int(match.group(1))

    def error(message: str) -> UnreadableFileError:
        return UnreadableFileError(message, file=file_name, line=line, detail=text)

    if found := COLUMNS.search(text):
        return error(f"{found.group(2)} valeurs au lieu de {found.group(1)} colonnes")
    if "Maximum line size" in text or "max_line_size" in text:
        return error("ligne trop longue (plus de 8 Mo) : fichier corrompu ou mauvais séparateur")
    if "Invalid unicode" in text or "not utf-8" in text:
        return error(
            "caractères invalides en UTF-8 ; précisez l'encodage avec --encoding (ex. cp1252)"
        )
    if "unterminated quote" in text.lower():
        return error("guillemet non refermé, ou texte collé après un guillemet fermant")
    first = text.splitlines()[0] if text else type(exc).__name__
    return error(f"lecture impossible ({first})")


def one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The single row a query returns, fetched to the end (DuckDB 2 refuses other work on
    a connection whose last result was not read through)."""
    rows = con.execute(sql).fetchall()
    if len(rows) != 1:
        raise RuntimeError(f"expected one row, got {len(rows)}")
    return rows[0]


def run_with_progress(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    total: int,
    progress: ProgressCallback | None,
) -> int:
    """Run a statement returning a count, reporting DuckDB's own progress in bytes."""
    if progress is None:
        return int(one_row(con, sql)[0])
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            percent = con.query_progress()
            if percent and percent > 0:
                progress(int(total * min(percent, 100) / 100))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        row = one_row(con, sql)
    finally:
        done.set()
        watcher.join()
    progress(total)
    return int(row[0])
