"""DuckDB connections for ingest: bounded memory, spilling beside the output, clear errors."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb

from socle.errors import UnreadableFileError
from socle.ingest.base import ProgressCallback

LINE = re.compile(r"Line: (\d+)")


def connect(work_dir: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET temp_directory = ?", [str(work_dir / ".duckdb-tmp")])
    con.execute("SET preserve_insertion_order = true")
    return con


def reading_error(exc: duckdb.Error, file_name: str, line_offset: int = 0) -> UnreadableFileError:
    """A French message for DuckDB's reading errors, with the line when DuckDB gives it."""
    text = str(exc)
    match = LINE.search(text)
    line = int(match.group(1)) + line_offset if match else None
    if "Expected Number of Columns" in text:
        found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        what = (
            f"{found.group(2)} valeurs au lieu de {found.group(1)} colonnes"
            if found
            else "nombre de valeurs différent du nombre de colonnes"
        )
        return UnreadableFileError(what, file=file_name, line=line, detail=text)
    if "Maximum line size" in text or "max_line_size" in text:
        return UnreadableFileError(
            "ligne trop longue (plus de 8 Mo) : fichier corrompu ou mauvais séparateur",
            file=file_name,
            line=line,
            detail=text,
        )
    if "Invalid unicode" in text or "not utf-8" in text:
        return UnreadableFileError(
            "caractères invalides en UTF-8 ; précisez l'encodage avec --encoding (ex. cp1252)",
            file=file_name,
            line=line,
            detail=text,
        )
    if "unterminated quotes" in text.lower() or "quote" in text.lower():
        return UnreadableFileError("guillemet non refermé", file=file_name, line=line, detail=text)
    first = text.splitlines()[0] if text else type(exc).__name__
    return UnreadableFileError(
        f"lecture impossible ({first})", file=file_name, line=line, detail=text
    )


def run_with_progress(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    total: int,
    progress: ProgressCallback | None,
) -> int:
    """Run a statement returning a count, reporting DuckDB's own progress in bytes."""
    if progress is None:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row else 0
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            percent = con.query_progress()
            if percent and percent > 0:
                progress(int(total * min(percent, 100) / 100))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        row = con.execute(sql).fetchone()
    finally:
        done.set()
        watcher.join()
    progress(total)
    return int(row[0]) if row else 0
