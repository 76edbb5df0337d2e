"""A field's Table Schema constraints as SQL conditions over the ``checked`` relation.

Each condition is true on the rows that violate the constraint; a bound or an allowed value
is compared as the field's typed value (see ``types``), as frictionless compares them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import duckdb

from socle.quality.checked import Column
from socle.quality.schema import Field
from socle.quality.types import TypeSQL
from socle.sql import literal


def constraint_conditions(fld: Field, sql: TypeSQL, c: Column) -> Iterable[tuple[str, str]]:
    """(constraint, SQL true when a row violates it)."""
    constraints = fld.constraints
    value = c.value
    present = f"{value} IS NOT NULL"
    if constraints.get("required"):
        yield "required", c.missing
    for name, op in (
        ("minimum", "<"),
        ("maximum", ">"),
        ("exclusiveMinimum", "<="),
        ("exclusiveMaximum", ">="),
    ):
        if name in constraints and fld.type not in {
            "string",
            "boolean",
            "any",
            "geopoint",
            "duration",
        }:
            bound = _typed_literal(constraints[name], sql)
            yield name, f"{present} AND {value} {op} {bound}"
    for name, op in (("minLength", "<"), ("maxLength", ">")):
        if name in constraints:
            yield name, f"{present} AND {_length(fld, value)} {op} {int(constraints[name])}"
    if "pattern" in constraints and fld.type == "string":
        yield "pattern", f"{present} AND NOT {_pattern_match(value, constraints['pattern'])}"
    if "enum" in constraints:
        allowed = ", ".join(_typed_literal(v, sql) for v in constraints["enum"])
        yield "enum", f"{present} AND {value} NOT IN ({allowed})"


def _typed_literal(value: Any, sql: TypeSQL) -> str:
    """A constraint value as the field's typed value (JSON numbers stay numbers)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return f"CAST({value!r} AS {sql.sql_type})"
    return f"({sql.typed(literal(str(value)))})"


def _length(fld: Field, value: str) -> str:
    if fld.type == "array":
        return f"json_array_length({value})"
    if fld.type == "object":
        return f"len(json_keys({value}))"
    return f"length({value})"


def _pattern_match(value: str, pattern: str) -> str:
    """RE2 full match; Python-only syntax (look-arounds) is approximated by ``re`` below."""
    if _re2_compiles(pattern):
        return f"regexp_full_match({value}, {literal(pattern)})"
    return f"python_full_match({value}, {literal(pattern)})"


@cache
def _re2_compiles(pattern: str) -> bool:
    """Asked of a private connection: the shared default one must not be left busy."""
    with duckdb.connect() as probe:
        try:
            probe.execute("SELECT regexp_full_match('', ?)", [pattern]).fetchall()
        except duckdb.Error:
            return False
    return True


def register_python_regex(con: duckdb.DuckDBPyConnection) -> None:
    """``python_full_match``: for the few patterns RE2 cannot compile (look-arounds)."""
    with contextlib.suppress(duckdb.Error):  # already registered on this connection
        con.create_function(
            "python_full_match",
            _python_full_match,
            [duckdb.sqltype("VARCHAR"), duckdb.sqltype("VARCHAR")],
            duckdb.sqltype("BOOLEAN"),
        )


def _python_full_match(value: str | None, pattern: str) -> bool | None:
    if value is None:
        return None
    return re.fullmatch(pattern, value) is not None
