"""Mapping columns that already carry types (Parquet, JSON) onto Table Schema types.

Text columns of JSON still go through inference (a JSON string "01004" stays text,
"2024-01-31" becomes a date); those of Parquet keep the producer's choice. Nested
structures are flattened into ``parent.child`` columns or kept as JSON text. Nothing is
narrowed with loss: a DECIMAL becomes a number only if every value has at most 15
significant digits, and integers beyond 64 bits become text.
"""

from __future__ import annotations

import duckdb

from socle.ingest._duckdb import one_row
from socle.ingest.infer import MAX_DIGITS, InferredColumn, infer_columns
from socle.sql import identifier

INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
FLOATS = {"FLOAT", "DOUBLE", "REAL"}
SIMPLE = {"BOOLEAN": "boolean", "DATE": "date", "TIME": "time"}


def describe(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    cursor = con.execute(f"DESCRIBE SELECT * FROM {relation}")  # noqa: S608
    return [(row[0], row[1]) for row in cursor.fetchall()]


def flatten_structs(
    con: duckdb.DuckDBPyConnection, relation: str, max_depth: int = 5, prefix: str = ""
) -> list[tuple[str, str]]:
    """``(output name, SQL expression)`` for every leaf, structs expanded as ``a.b``.

    Expressions name the columns of ``relation``, each preceded by ``prefix`` (to reach
    the same fields inside a struct column, say ``p.``).
    """
    out: list[tuple[str, str]] = []

    def walk(name: str, expression: str, type_: str, depth: int) -> None:
        if type_.startswith("STRUCT(") and type_.endswith(")") and depth < max_depth:
            inner = f"(SELECT unnest({expression[len(prefix) :]}) FROM {relation})"  # noqa: S608
            for child, child_type in describe(con, inner):
                walk(
                    f"{name}.{child}", f"({expression}).{identifier(child)}", child_type, depth + 1
                )
        else:
            out.append((name, expression))

    for name, type_ in describe(con, relation):
        walk(name, prefix + identifier(name), type_, 0)
    return out


def _exact_decimals(
    con: duckdb.DuckDBPyConnection, relation: str, decimals: dict[str, int]
) -> set[str]:
    """DECIMAL columns whose every value fits a double exactly (<= 15 significant digits)."""
    if not decimals:
        return set()
    checks = ", ".join(
        f"coalesce(max(abs({identifier(n)})) < 1e{MAX_DIGITS - scale}, true)"
        for n, scale in decimals.items()
    )
    row = one_row(con, f"SELECT {checks} FROM {relation}")  # noqa: S608
    return {name for name, fits in zip(decimals, row, strict=True) if fits}


def _scale(type_: str) -> int:
    """The scale of ``DECIMAL(p,s)``."""
    return int(type_.rstrip(")").split(",")[1])


def typed_columns(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    infer_text: bool = True,
    fixed: dict[str, str] | None = None,
) -> list[InferredColumn]:
    """Columns of ``relation`` with their Table Schema type and converting expression.

    Text columns are inferred (JSON has no date type) unless ``infer_text`` is false
    (a Parquet producer chose its types); ``fixed`` columns are taken as they are, with
    the given Table Schema type.
    """
    fixed = fixed or {}
    described = [(n, t) for n, t in describe(con, relation) if n not in fixed]
    text = [name for name, type_ in described if type_ == "VARCHAR"]
    inferred = {
        c.name: c
        for c in (
            infer_columns(con, relation, text)
            if infer_text and text
            else [InferredColumn(n, "string", identifier(n)) for n in text]
        )
    }
    decimals = {n: _scale(t) for n, t in described if t.startswith("DECIMAL(")}
    exact = _exact_decimals(con, relation, decimals)
    mapped = {
        name: inferred[name] if type_ == "VARCHAR" else _mapped(name, type_, name in exact)
        for name, type_ in described
    }
    return [
        mapped.get(name) or InferredColumn(name, fixed[name], identifier(name))
        for name, _ in describe(con, relation)
    ]


def _mapped(name: str, type_: str, exact_decimal: bool) -> InferredColumn:
    column = identifier(name)
    base = type_.split("(")[0]
    if base in INTEGERS:
        return InferredColumn(name, "integer", f"CAST({column} AS BIGINT)")
    if base in FLOATS or (base == "DECIMAL" and exact_decimal):
        return InferredColumn(name, "number", f"CAST({column} AS DOUBLE)")
    if base in SIMPLE:
        return InferredColumn(name, SIMPLE[base], column)
    if base == "TIMESTAMP WITH TIME ZONE":
        expression = f"CAST(timezone('UTC', {column}) AS TIMESTAMP)"
        return InferredColumn(name, "datetime", expression, "converted to UTC")
    if base.startswith("TIMESTAMP"):
        return InferredColumn(name, "datetime", f"CAST({column} AS TIMESTAMP)")
    if type_.endswith("]") or base in ("LIST", "STRUCT", "MAP", "JSON"):
        kind = "array" if type_.endswith("]") or base == "LIST" else "object"
        return InferredColumn(name, kind, f"CAST(to_json({column}) AS VARCHAR)")
    if base == "BLOB":
        return InferredColumn(name, "string", f"base64({column})", format="binary")
    if base == "UUID":
        return InferredColumn(name, "string", f"CAST({column} AS VARCHAR)", format="uuid")
    # HUGEINT, UBIGINT, wide DECIMAL, INTERVAL...: their text loses nothing.
    return InferredColumn(name, "string", f"CAST({column} AS VARCHAR)")
