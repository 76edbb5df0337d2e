"""Comparing two versions of a dataset: schema changes and rows added, removed, changed.

With a primary key present in both versions, rows are matched by key and a row whose other
values differ is "changed". Without one, rows are compared whole (as multisets): a modified
row then counts as one removed plus one added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from socle.core.tableschema import field_types
from socle.sql import identifier, parquet_source

SAMPLE_SIZE = 10


@dataclass
class SchemaChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retyped: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.retyped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "retyped": {k: {"before": a, "after": b} for k, (a, b) in self.retyped.items()},
        }


def schema_changes(before_schema: dict[str, Any], after_schema: dict[str, Any]) -> SchemaChanges:
    """Columns added, removed or whose type changed, by name."""
    old, new = field_types(before_schema), field_types(after_schema)
    return SchemaChanges(
        added=[n for n in new if n not in old],
        removed=[n for n in old if n not in new],
        retyped={n: (old[n], new[n]) for n in new if n in old and old[n] != new[n]},
    )


@dataclass
class VersionDiff:
    method: str  # "primary-key" or "row-hash"
    key: list[str]
    schema: SchemaChanges
    rows_added: int
    rows_removed: int
    rows_changed: int
    samples: dict[str, list[dict[str, Any]]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "key": self.key,
            "schema": self.schema.as_dict(),
            "rows_added": self.rows_added,
            "rows_removed": self.rows_removed,
            "rows_changed": self.rows_changed,
            "samples": self.samples,
        }


def diff_versions(
    before_paths: list[Path],
    before_schema: dict[str, Any],
    after_paths: list[Path],
    after_schema: dict[str, Any],
    primary_key: list[str] | None = None,
) -> VersionDiff:
    """Compare ``before`` with ``after``; ``primary_key`` overrides the schemas' own."""
    changes = schema_changes(before_schema, after_schema)
    old = field_types(before_schema)
    common = [n for n in field_types(after_schema) if n in old]
    key = primary_key or after_schema.get("primaryKey") or before_schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP VIEW a AS SELECT * FROM {parquet_source(before_paths)}")  # noqa: S608
        con.execute(f"CREATE TEMP VIEW b AS SELECT * FROM {parquet_source(after_paths)}")  # noqa: S608
        cols = (
            ", ".join(f"CAST({identifier(c)} AS VARCHAR) AS {identifier(c)}" for c in common) or "1"
        )
        if key and all(k in common for k in key):
            return _diff_by_key(con, key, common, cols, changes)
        return _diff_by_hash(con, cols, changes)
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _diff_by_key(
    con: duckdb.DuckDBPyConnection,
    key: list[str],
    common: list[str],
    cols: str,
    changes: SchemaChanges,
) -> VersionDiff:
    con.execute(f"CREATE TEMP VIEW ca AS SELECT {cols} FROM a")  # noqa: S608 - quoted names
    con.execute(f"CREATE TEMP VIEW cb AS SELECT {cols} FROM b")  # noqa: S608
    join = " AND ".join(f"ca.{identifier(k)} IS NOT DISTINCT FROM cb.{identifier(k)}" for k in key)
    others = [c for c in common if c not in key]
    differs = (
        " OR ".join(f"ca.{identifier(c)} IS DISTINCT FROM cb.{identifier(c)}" for c in others)
        or "false"
    )
    first = identifier(key[0])
    # Identifiers below are quoted column names of the two versions' own schemas.
    only_b = f"WHERE ca.{first} IS NULL AND cb.{first} IS NOT NULL"
    only_a = f"WHERE cb.{first} IS NULL AND ca.{first} IS NOT NULL"
    queries = {
        "added": f"SELECT cb.* FROM cb LEFT JOIN ca ON {join} {only_b}",  # noqa: S608
        "removed": f"SELECT ca.* FROM ca LEFT JOIN cb ON {join} {only_a}",  # noqa: S608
        "changed": f"SELECT cb.* FROM ca JOIN cb ON {join} WHERE {differs}",  # noqa: S608
    }
    counts = {
        name: con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]  # type: ignore[index]  # noqa: S608
        for name, sql in queries.items()
    }
    samples = {name: _rows(con, f"{sql} LIMIT {SAMPLE_SIZE}") for name, sql in queries.items()}
    return VersionDiff(
        "primary-key", key, changes, counts["added"], counts["removed"], counts["changed"], samples
    )


def _diff_by_hash(con: duckdb.DuckDBPyConnection, cols: str, changes: SchemaChanges) -> VersionDiff:
    queries = {
        "added": f"SELECT {cols} FROM b EXCEPT ALL SELECT {cols} FROM a",  # noqa: S608
        "removed": f"SELECT {cols} FROM a EXCEPT ALL SELECT {cols} FROM b",  # noqa: S608
    }
    counts = {
        name: con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]  # type: ignore[index]  # noqa: S608
        for name, sql in queries.items()
    }
    samples = {name: _rows(con, f"{sql} LIMIT {SAMPLE_SIZE}") for name, sql in queries.items()}
    samples["changed"] = []
    return VersionDiff("row-hash", [], changes, counts["added"], counts["removed"], 0, samples)
