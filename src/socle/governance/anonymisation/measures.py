"""Protections measured and enforced in DuckDB: k-anonymity, ℓ-diversity, statistical secrecy.

- k-anonymity: every row's equivalence class (rows sharing the quasi-identifiers' values,
  NULL being a value) is counted with one window; rows of classes smaller than k are
  suppressed, unless that would exceed the recipe's ``max_suppression`` share — then nothing
  is suppressed and k is reported as not met.
- ℓ-diversity (distinct ℓ): per class, the number of distinct non-NULL values of each
  sensitive field; the report gives the minimum and how many classes have each ℓ.
- Statistical secrecy: an aggregate's cells (groups) counting fewer rows than the threshold
  are suppressed.
"""

from __future__ import annotations

from typing import Any

import duckdb

from socle.errors import InputError
from socle.governance.anonymisation.recipe import Aggregate, KAnonymity, LDiversity
from socle.governance.anonymisation.steps import NUMERIC
from socle.ingest._duckdb import one_row
from socle.sql import identifier

CLASS_SIZE = "__socle_class_size"
LEVELS_SHOWN = 20  # ℓ values listed one by one in the report; beyond, grouped


def check_columns(types: dict[str, str], names: list[str], what: str) -> str:
    """The quoted, comma-separated columns, each checked to exist in the output."""
    for name in names:
        if name not in types:
            raise InputError(
                f"{what} : colonne « {name} » absente après les étapes ; colonnes : "
                f"{', '.join(types)}"
            )
    return ", ".join(identifier(n) for n in names)


def k_anonymise(
    con: duckdb.DuckDBPyConnection,
    table: str,
    target: str,
    types: dict[str, str],
    declared: KAnonymity,
) -> dict[str, Any]:
    """Create ``target``: ``table`` without the rows of classes smaller than k (if allowed)."""
    keys = check_columns(types, declared.quasi_identifiers, "k_anonymity")
    columns = ", ".join(identifier(n) for n in types)
    con.execute(
        f"CREATE TEMP TABLE sized AS SELECT *, count(*) OVER (PARTITION BY {keys}) "  # noqa: S608
        f"AS {CLASS_SIZE} FROM {table}"
    )
    # Each class of n rows adds n × 1/n: the sums count classes without a DISTINCT.
    total, rare, classes, rare_classes = one_row(
        con,
        f"SELECT count(*), count_if({CLASS_SIZE} < {declared.k}), "  # noqa: S608
        f"coalesce(round(sum(1 / {CLASS_SIZE})), 0), "
        f"coalesce(round(sum(1 / {CLASS_SIZE}) FILTER ({CLASS_SIZE} < {declared.k})), 0) "
        "FROM sized",
    )
    allowed = total == 0 or rare / total <= declared.max_suppression
    where = f"WHERE {CLASS_SIZE} >= {declared.k}" if allowed else ""
    con.execute(f"CREATE TABLE {target} AS SELECT {columns} FROM sized {where}")  # noqa: S608
    (achieved,) = one_row(con, f"SELECT min({CLASS_SIZE}) FROM sized {where}")  # noqa: S608
    con.execute("DROP TABLE sized")
    return {
        "k": declared.k,
        "quasi_identifiers": declared.quasi_identifiers,
        "k_achieved": achieved,
        "met": allowed,
        "rows_suppressed": int(rare) if allowed else 0,
        "rows_in_small_classes": int(rare),
        "suppressed_share": round(rare / total, 6) if total else 0.0,
        "max_suppression": declared.max_suppression,
        "classes": int(classes) - (int(rare_classes) if allowed else 0),
        "classes_suppressed": int(rare_classes) if allowed else 0,
    }


def l_diversity(
    con: duckdb.DuckDBPyConnection,
    table: str,
    types: dict[str, str],
    quasi_identifiers: list[str],
    declared: LDiversity,
) -> dict[str, Any]:
    """Distinct ℓ of each sensitive field over the classes of ``table``."""
    keys = check_columns(types, quasi_identifiers, "k_anonymity")
    check_columns(types, declared.sensitive, "l_diversity")
    fields: dict[str, Any] = {}
    for name in declared.sensitive:
        rows = con.execute(
            f"SELECT l, count(*) FROM (SELECT count(DISTINCT {identifier(name)}) AS l "  # noqa: S608
            f"FROM {table} GROUP BY {keys}) GROUP BY l ORDER BY l"
        ).fetchall()
        classes = {int(level): int(n) for level, n in rows}
        fields[name] = {
            "l_min": min(classes) if classes else None,
            "classes_by_l": _grouped(classes),
        }
    levels = [f["l_min"] for f in fields.values() if f["l_min"] is not None]
    l_min = min(levels) if levels else None
    met = declared.l is None or l_min is None or l_min >= declared.l
    return {"l": declared.l, "l_min": l_min, "met": met, "fields": fields}


def aggregate(
    con: duckdb.DuckDBPyConnection,
    table: str,
    target: str,
    types: dict[str, str],
    declared: Aggregate,
) -> dict[str, Any]:
    """Create ``target``: counts (and sums) per group, cells under the threshold suppressed."""
    keys = check_columns(types, declared.group_by, "aggregate.group_by")
    check_columns(types, declared.sum, "aggregate.sum")
    outputs = [declared.count, *declared.sum]
    if len(set(outputs) | set(declared.group_by)) != len(outputs) + len(declared.group_by):
        raise InputError("aggregate : une colonne produite porte le nom d'une autre")
    sums = []
    for name in declared.sum:
        if not types[name].upper().startswith(NUMERIC):
            raise InputError(f"aggregate.sum : la colonne « {name} » n'est pas un nombre")
        total = f"sum({identifier(name)})"
        if not types[name].upper().startswith(("FLOAT", "DOUBLE", "DECIMAL")):
            total = f"CAST({total} AS BIGINT)"  # DuckDB sums integers as HUGEINT
        sums.append(f", {total} AS {identifier(name)}")
    count = identifier(declared.count)
    con.execute(
        f"CREATE TEMP TABLE cells AS SELECT {keys}, count(*) AS {count}{''.join(sums)} "  # noqa: S608
        f"FROM {table} GROUP BY {keys}"
    )
    cells, small, rows_hidden = one_row(
        con,
        f"SELECT count(*), count_if({count} < {declared.threshold}), "  # noqa: S608
        f"coalesce(sum({count}) FILTER ({count} < {declared.threshold}), 0) FROM cells",
    )
    con.execute(
        f"CREATE TABLE {target} AS SELECT * FROM cells "  # noqa: S608
        f"WHERE {count} >= {declared.threshold} ORDER BY {keys}"
    )
    con.execute("DROP TABLE cells")
    (left,) = one_row(con, f"SELECT count_if({count} < {declared.threshold}) FROM {target}")  # noqa: S608
    return {
        "group_by": declared.group_by,
        "threshold": declared.threshold,
        "cells": int(cells),
        "cells_suppressed": int(small),
        "rows_in_suppressed_cells": int(rows_hidden),
        "met": left == 0,
    }


def _grouped(classes: dict[int, int]) -> dict[str, int]:
    """Classes per ℓ, the high values grouped so the report stays small."""
    shown = {str(level): n for level, n in classes.items() if level < LEVELS_SHOWN}
    beyond = sum(n for level, n in classes.items() if level >= LEVELS_SHOWN)
    if beyond:
        shown[f"{LEVELS_SHOWN}+"] = beyond
    return shown
