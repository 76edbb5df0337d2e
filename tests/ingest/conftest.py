"""Reading a file the way versions do, and checking what every reader promises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from socle.core.tableschema import DUCKDB_TYPES
from socle.ingest import ReadOptions, ReadResult, read_file


@dataclass
class Read:
    """A reader's result, the rows of the Parquet it wrote, and each field's type."""

    result: ReadResult
    rows: list[tuple[Any, ...]]
    types: dict[str, str]

    def column(self, name: str) -> list[Any]:
        index = list(self.types).index(name)
        return [row[index] for row in self.rows]


def read_checked(path: Path, dest: Path | None = None, **options: Any) -> Read:
    """``read_file`` plus the checks every result must pass.

    The Parquet columns are the schema's fields, in order, stored as DUCKDB_TYPES says; the
    row count is right; nothing is left beside the output but the output.
    """
    dest = dest or path.parent / "out" / "data.parquet"
    dest.parent.mkdir(exist_ok=True)
    result = read_file(path, dest, ReadOptions(**options))
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{dest}')").fetchall()
    fields = result.schema["fields"]
    assert [(f["name"], DUCKDB_TYPES[f["type"]]) for f in fields] == [
        (name, type_) for name, type_, *_ in described
    ]
    rows = con.execute(f"SELECT * FROM read_parquet('{dest}')").fetchall()
    con.close()
    assert result.row_count == len(rows)
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]
    return Read(result, rows, {f["name"]: f["type"] for f in fields})


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """Write a file (text is UTF-8) in the test's folder."""

    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return _write


@pytest.fixture
def read() -> Callable[..., Read]:
    """``read_checked`` as a fixture: ``read(path, **options)``."""
    return read_checked
