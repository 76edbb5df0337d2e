"""Mapping columns that already carry types (Parquet, JSON) onto Table Schema types.

Text columns still go through inference (a JSON string "01004" stays text, "2024-01-31"
becomes a date); nested structures are flattened into ``parent.child`` columns or kept as
JSON text.
"""

from __future__ import annotations

import duckdb

from socle.ingest.infer import InferredColumn, infer_columns
from socle.sql import identifier

INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
FLOATS = {"FLOAT", "DOUBLE", "REAL"}


def describe(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    cursor = con.execute(f"DESCRIBE SELECT * FROM {relation}")  # noqa: S608
    return [(row[0], row[1]) for row in cursor.fetchall()]


def flatten_structs(
    con: duckdb.DuckDBPyConnection, relation: str, max_depth: int = 5
) -> list[tuple[str, str]]:
    """``(output name, SQL expression)`` for every leaf, structs expanded as ``a.b``."""
    out: list[tuple[str, str]] = []

    def walk(name: str, expression: str, type_: str, depth: int) -> None:
        if type_.startswith("STRUCT(") and type_.endswith(")") and depth < max_depth:
            inner = f"(SELECT unnest({expression}) FROM {relation})"  # noqa: S608
            for child, child_type in describe(con, inner):
                walk(
                    f"{name}.{child}", f"({expression}).{identifier(child)}", child_type, depth + 1
                )
        else:
            out.append((name, expression))

    for name, type_ in describe(con, relation):
        walk(name, identifier(name), type_, 0)
    return out


def typed_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[InferredColumn]:
    """Columns of ``relation`` with their Table Schema type and converting expression."""
    described = describe(con, relation)
    text = [name for name, type_ in described if type_ == "VARCHAR"]
    inferred = {c.name: c for c in infer_columns(con, relation, text)} if text else {}
    columns = []
    for name, type_ in described:
        column = identifier(name)
        base = type_.split("(")[0]
        if type_ == "VARCHAR":
            columns.append(inferred[name])
        elif base in INTEGERS:
            columns.append(InferredColumn(name, "integer", None, f"CAST({column} AS BIGINT)"))
        elif base in FLOATS or base == "DECIMAL":
            columns.append(InferredColumn(name, "number", None, f"CAST({column} AS DOUBLE)"))
        elif base == "BOOLEAN":
            columns.append(InferredColumn(name, "boolean", None, column))
        elif base == "DATE":
            columns.append(InferredColumn(name, "date", None, column))
        elif base == "TIMESTAMP WITH TIME ZONE":
            expression = f"CAST(timezone('UTC', {column}) AS TIMESTAMP)"
            columns.append(InferredColumn(name, "datetime", "UTC", expression))
        elif base.startswith("TIMESTAMP"):
            columns.append(InferredColumn(name, "datetime", None, f"CAST({column} AS TIMESTAMP)"))
        elif base == "TIME":
            columns.append(InferredColumn(name, "time", None, column))
        elif type_.endswith("[]") or base in ("LIST", "STRUCT", "MAP", "JSON"):
            kind = "array" if type_.endswith("[]") or base == "LIST" else "object"
            columns.append(InferredColumn(name, kind, None, f"CAST(to_json({column}) AS VARCHAR)"))
        elif base == "BLOB":
            columns.append(InferredColumn(name, "string", "base64", f"base64({column})"))
        else:  # HUGEINT, UBIGINT, UUID, INTERVAL...: text loses nothing
            columns.append(InferredColumn(name, "string", None, f"CAST({column} AS VARCHAR)"))
    return columns
