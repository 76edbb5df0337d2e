"""Quoting for the few places SQL text must name things: identifiers and trusted paths.

User-given VALUES never go through here: they are bound parameters. Identifiers come from a
dataset's own schema (an allow-list), and paths from Socle's own lake.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def identifier(name: str) -> str:
    """A double-quoted SQL identifier; embedded quotes are doubled."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A single-quoted SQL string literal; for trusted text only (paths, fixed options)."""
    return "'" + text.replace("'", "''") + "'"


def parquet_source(paths: Iterable[Path]) -> str:
    """``read_parquet([...])`` over a version's files."""
    return "read_parquet([" + ", ".join(literal(str(p)) for p in paths) + "])"
