"""Ingest: turning an input file into a version's Parquet data and Table Schema.

Readers are plugins (entry-point group ``socle.readers``); built-ins register the same way.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from socle.errors import UnreadableFileError
from socle.ingest.base import ProgressCallback, Reader, ReadOptions, ReadResult
from socle.ingest.compressed import is_compressed, unpacked

__all__ = ["ReadOptions", "ReadResult", "Reader", "read_file", "reader_names"]
HEAD_BYTES = 4096


@lru_cache(maxsize=1)
def _readers() -> tuple[Reader, ...]:
    found = sorted(entry_points(group="socle.readers"), key=lambda ep: ep.name)
    return tuple(ep.load()() for ep in found)


def reader_names() -> list[str]:
    return [reader.name for reader in _readers()]


def read_file(
    path: Path,
    dest: Path,
    options: ReadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ReadResult:
    """Read ``path`` with the first reader that recognises it, writing Parquet to ``dest``."""
    if is_compressed(path):
        limits = (options or ReadOptions()).unpack_limits
        with unpacked(path, dest.parent, limits) as (inner, compression):
            result = read_file(inner, dest, options, progress)
        result.details["compression"] = compression
        return result
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    for reader in _readers():
        if reader.sniff(path, head):
            try:
                return reader.read(path, dest, options or ReadOptions(), progress)
            except BaseException:
                dest.unlink(missing_ok=True)
                raise
    raise UnreadableFileError(
        "format non reconnu ; formats acceptés : CSV, TSV, TXT, XLSX, XLS, ODS, JSON, NDJSON, "
        "GeoJSON, Parquet, éventuellement compressés (.gz, .zip d'un seul fichier)",
        file=path.name,
    )
