"""Validate a table against a Table Schema, as column operations in DuckDB.

The file's cells (see ``table``) are matched to the schema's fields **by name**, as Validata
does: a missing optional column or an extra column is a warning, a missing required column
an error, another order a warning. Then one pass computes, for every matched field, whether
each cell is missing, whether it parses, and its typed value; every check (types,
constraints, unique, primary and foreign keys, blank and duplicate rows, missing and extra
cells, custom checks) is a ``SELECT`` over that table, and all their findings are counted in
full while only the first ``cap`` of each type are kept with their row, field and value.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import duckdb

from socle.ingest._duckdb import session
from socle.ingest.base import ReadOptions
from socle.quality import checks
from socle.quality.checked import FINDING_COLUMNS, Column, finding_select
from socle.quality.report import DEFAULT_CAP, Finding, Report, error_dict
from socle.quality.schema import Field, ForeignKey, TableSchema
from socle.quality.table import TextTable, text_table
from socle.quality.types import TypeSQL, type_sql
from socle.sql import identifier, literal

# A foreign key's ``resource`` (a dataset slug) -> SQL relation of its data, or None if unknown.
ReferenceResolver = Callable[[str], str | None]


def validate_file(
    path: Path,
    schema: TableSchema,
    *,
    work_dir: Path | None = None,
    options: ReadOptions | None = None,
    cap: int = DEFAULT_CAP,
    references: ReferenceResolver | None = None,
    schema_name: str = "",
) -> Report:
    """Validate the file at ``path``; the report names it by its file name."""
    options = options or ReadOptions()
    work = work_dir or path.parent
    with session(work, options.memory_limit) as con, text_table(con, path, work, options) as table:
        return validate_table(
            con, table, schema, cap=cap, references=references, schema_name=schema_name
        )


def validate_table(
    con: duckdb.DuckDBPyConnection,
    table: TextTable,
    schema: TableSchema,
    *,
    cap: int = DEFAULT_CAP,
    references: ReferenceResolver | None = None,
    schema_name: str = "",
) -> Report:
    started = time.perf_counter()
    con.execute("SET TimeZone = 'UTC'")
    columns, header_findings, warnings = match_header(table, schema)
    warnings = [*schema.warnings, *warnings]
    _checked_table(con, table, columns, schema)
    by_name = {c.field.name: c for c in columns if c.field is not None}
    selects = [
        *_cell_checks(columns),
        *_row_checks(table, columns),
        *_integrity_checks(schema, by_name, references, warnings),
    ]
    custom, custom_warnings = checks.selects(schema.custom_checks, by_name)
    warnings.extend(custom_warnings)
    selects.extend(custom)
    findings = [*header_findings, *(Finding("blank-row", row=r) for r in table.empty_rows)]
    errors, counts, by_field = _collect(con, selects, findings, cap, schema)
    con.execute("DROP TABLE IF EXISTS checked")
    return Report(
        name=table.file_name,
        labels=table.labels,
        rows=table.rows,
        fields=len(table.labels),
        errors=errors,
        warnings=warnings,
        counts=counts,
        counts_by_field=by_field,
        seconds=time.perf_counter() - started,
        cap=cap,
        schema=schema_name,
    )


def match_header(
    table: TextTable, schema: TableSchema
) -> tuple[list[Column], list[Finding], list[str]]:
    """Pair labels with fields by name; header errors and warnings."""
    findings: list[Finding] = []
    warnings: list[str] = []
    fields = {f.name: f for f in schema.fields}
    seen: set[str] = set()
    columns: list[Column] = []
    for index, (label, source) in enumerate(zip(table.labels, table.columns, strict=True), start=1):
        if not label.strip():
            findings.append(Finding("blank-label", field_number=index, note=""))
        if label in seen:
            findings.append(
                Finding("duplicate-label", field_number=index, field_name=label, cell=label)
            )
            columns.append(Column(index, label, source, None, None))
            continue
        seen.add(label)
        matched = fields.get(label)
        if matched is None and label.strip():
            warnings.append(
                f"Colonne surnuméraire : Retirez la colonne `{label}` non définie dans le schéma."
            )
        columns.append(
            Column(index, label, source, matched, type_sql(matched) if matched else None)
        )
    missing = [f for f in schema.fields if f.name not in seen]
    for offset, fld in enumerate(missing, start=1):
        if fld.required or fld.name in schema.primary_key:
            findings.append(
                Finding(
                    "missing-label",
                    field_number=len(table.labels) + offset,
                    field_name=fld.name,
                    note="",
                )
            )
        else:
            warnings.append(f"Colonne manquante : Ajoutez la colonne manquante `{fld.name}`.")
    order = [c.field.name for c in columns if c.field is not None]
    expected = [f.name for f in schema.fields if f.name in set(order)]
    if order != expected:
        warnings.append(
            "Les colonnes ne sont pas dans l'ordre du schéma (ce n'est pas une erreur)."
        )
    return columns, findings, warnings


def _checked_table(
    con: duckdb.DuckDBPyConnection, table: TextTable, columns: list[Column], schema: TableSchema
) -> None:
    """One pass: each cell, whether it is missing, a type error, and its typed value."""
    if table.initial_space:
        cells = [f"ltrim({identifier(c.source)}, ' ') AS {c.cell}" for c in columns]
    else:
        cells = [f"{identifier(c.source)} AS {c.cell}" for c in columns]
    extras = [identifier(x) for x in table.extra]
    missing = []
    for c in columns:
        missing_values = c.field.missing_values if c.field else schema.missing_values
        listed = ", ".join(literal(v) for v in missing_values)
        cond = f"{c.cell} IS NULL" + (f" OR {c.cell} IN ({listed})" if listed else "")
        missing.append(f"({cond}) AS {c.missing}")
    typed: list[str] = []
    values: list[str] = []
    for c in columns:
        if c.types is None:
            values.append(f"CASE WHEN NOT {c.missing} THEN {c.cell} END AS {c.value}")
            continue
        typed.append(
            f"CASE WHEN {c.missing} THEN FALSE "
            f"ELSE NOT coalesce({c.types.parses(c.cell)}, FALSE) END AS {c.type_error}"
        )
        values.append(
            f"CASE WHEN {c.missing} OR {c.type_error} THEN NULL "
            f"ELSE {c.types.value(c.cell)} END AS {c.value}"
        )
    blank = " AND ".join(c.missing for c in columns) or "FALSE"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE checked AS "  # noqa: S608
        f"WITH a AS (SELECT ({table.row_number})::BIGINT AS _row, "
        f"{', '.join([*cells, *extras])} FROM cells), "
        f"b AS (SELECT *, {', '.join(missing)} FROM a), "
        f"t AS (SELECT *{''.join(', ' + x for x in typed)} FROM b) "
        f"SELECT *, {', '.join(values)}, ({blank}) AS blank FROM t"
    )


def _cell_checks(columns: list[Column]) -> Iterable[str]:
    for c in columns:
        yield finding_select("missing-cell", f"NOT blank AND {c.cell} IS NULL", column=c, cell="''")
        fld = c.field
        if fld is None or c.types is None:
            continue
        yield finding_select(
            "type-error",
            f"NOT blank AND {c.type_error}",
            column=c,
            cell=c.cell,
            note=literal(f'type is "{fld.type}/{fld.format}"'),
        )
        for name, condition in _constraint_conditions(fld, c.types, c):
            # frictionless prints the constraint with Python's str() (True, not true).
            note = literal(f'constraint "{name}" is "{fld.constraints[name]}"')
            yield finding_select(
                "constraint-error",
                f"NOT blank AND {condition}",
                column=c,
                cell=f"coalesce({c.cell}, '')",
                note=note,
            )


def _constraint_conditions(fld: Field, sql: TypeSQL, c: Column) -> Iterable[tuple[str, str]]:
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
    return f"({sql.value(literal(str(value)))})"


def _length(fld: Field, value: str) -> str:
    if fld.type == "array":
        return f"json_array_length({value})"
    if fld.type == "object":
        return f"len(json_keys({value}))"
    return f"length({value})"


def _pattern_match(value: str, pattern: str) -> str:
    """RE2 full match; Python-only syntax (look-arounds) is approximated by ``re`` below."""
    try:
        duckdb.execute("SELECT regexp_full_match('', ?)", [pattern]).fetchall()
    except duckdb.Error:
        return f"python_full_match({value}, {literal(pattern)})"
    return f"regexp_full_match({value}, {literal(pattern)})"


def _row_checks(table: TextTable, columns: list[Column]) -> Iterable[str]:
    yield finding_select("blank-row", "blank")
    for offset, extra in enumerate(table.extra, start=1):
        yield finding_select(
            "extra-cell",
            f"NOT blank AND {identifier(extra)} IS NOT NULL",
            cell=identifier(extra),
            field_number=str(len(columns) + offset),
        )
    # Rows are compared as written: two rows whose cells fail to parse are not "the same".
    values = ", ".join(c.cell for c in columns)
    yield (
        f"SELECT 'duplicate-row', _row, NULL, '', NULL, "  # noqa: S608
        "'the same as row at position \"' || previous || '\"', '' FROM ("
        f"SELECT _row, lag(_row) OVER (PARTITION BY {values} ORDER BY _row) AS previous "
        f"FROM checked WHERE NOT blank AND {_repeated(values)}) WHERE previous IS NOT NULL"
    )


def _repeated(values: str, where: str = "TRUE") -> str:
    """SQL: the row's ``values`` occur more than once (a hash pre-filter before sorting)."""
    return (
        f"hash({values}) IN (SELECT hash({values}) FROM checked WHERE {where} "  # noqa: S608
        f"GROUP BY ALL HAVING count(*) > 1)"
    )


def _integrity_checks(
    schema: TableSchema,
    by_name: dict[str, Column],
    references: ReferenceResolver | None,
    warnings: list[str],
) -> Iterable[str]:
    for name, c in by_name.items():
        if c.field is not None and c.field.constraints.get("unique"):
            yield (
                f"SELECT 'unique-error', _row, {c.index}, {literal(name)}, {c.cell}, "  # noqa: S608
                "'the same as in the row at position ' || previous, '' FROM ("
                f"SELECT _row, {c.cell}, lag(_row) OVER (PARTITION BY {c.value} ORDER BY _row) "
                f"AS previous FROM checked WHERE {c.value} IS NOT NULL AND "
                f"{_repeated(c.value, f'{c.value} IS NOT NULL')}) WHERE previous IS NOT NULL"
            )
    key = [by_name[n] for n in schema.primary_key if n in by_name]
    if schema.primary_key and len(key) == len(schema.primary_key):
        values = ", ".join(c.value for c in key)
        all_null = " AND ".join(f"{c.value} IS NULL" for c in key)
        yield finding_select(
            "primary-key",
            all_null,
            note=literal('cells composing the primary keys are all "None"'),
        )
        yield (
            "SELECT 'primary-key', _row, NULL, '', NULL, "  # noqa: S608
            "'the same as in the row at position ' || previous, '' FROM ("
            f"SELECT _row, lag(_row) OVER (PARTITION BY {values} ORDER BY _row) AS previous "
            f"FROM checked WHERE NOT ({all_null}) AND {_repeated(values, f'NOT ({all_null})')}) "
            "WHERE previous IS NOT NULL"
        )
    for fk in schema.foreign_keys:
        select = _foreign_key(fk, by_name, references, warnings)
        if select:
            yield select


def _foreign_key(
    fk: ForeignKey,
    by_name: dict[str, Column],
    references: ReferenceResolver | None,
    warnings: list[str],
) -> str | None:
    if not all(n in by_name for n in fk.fields):
        return None
    if fk.resource:
        relation = references(fk.resource) if references else None
        if relation is None:
            warnings.append(
                f"Clé étrangère vers « {fk.resource} » non vérifiée : ce jeu de données est "
                "introuvable dans le catalogue."
            )
            return None
        targets = [identifier(n) for n in fk.reference_fields]
    else:
        if not all(n in by_name for n in fk.reference_fields):
            return None
        relation = "checked"
        targets = [by_name[n].value for n in fk.reference_fields]
    mine = [by_name[n].value for n in fk.fields]
    pairs = " AND ".join(
        f"CAST(r.{t} AS VARCHAR) = CAST(s.{m} AS VARCHAR)"
        for t, m in zip(targets, mine, strict=True)
    )
    some = " OR ".join(f"s.{m} IS NOT NULL" for m in mine)
    shown = " || ', ' || ".join(f"coalesce(CAST(s.{m} AS VARCHAR), 'None')" for m in mine)
    note = (
        f'\'for "{", ".join(fk.fields)}": values "\' || {shown} || '
        f'\'" not found in the lookup table "{fk.resource}" as "{", ".join(fk.reference_fields)}"\''
    )
    first = by_name[fk.fields[0]]
    return (
        f"SELECT 'foreign-key', s._row, {first.index}, {literal(first.label)}, "  # noqa: S608
        f"{shown}, {note}, '' FROM checked s WHERE ({some}) AND NOT EXISTS "
        f"(SELECT 1 FROM {relation} r WHERE {pairs})"
    )


def _collect(
    con: duckdb.DuckDBPyConnection,
    selects: list[str],
    extra: list[Finding],
    cap: int,
    schema: TableSchema,
) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, dict[str, int]]]:
    """Run every check: the first ``cap`` errors of each type, counts by type and by field."""
    _register_python_regex(con)
    union = " UNION ALL ".join(f"({s})" for s in selects)
    con.execute(f"CREATE OR REPLACE TEMP TABLE found AS {union}")
    if extra:
        con.executemany(
            f"INSERT INTO found ({FINDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            [astuple(f) for f in extra],
        )
    counts: dict[str, int] = {}
    by_field: dict[str, dict[str, int]] = {}
    for kind, field_name, n in con.execute(
        "SELECT type, field_name, count(*) FROM found GROUP BY ALL"
    ).fetchall():
        counts[kind] = counts.get(kind, 0) + n
        if field_name:
            by_field.setdefault(field_name, {})[kind] = n
    rows = con.execute(
        f"SELECT {FINDING_COLUMNS} FROM found "  # noqa: S608
        "QUALIFY row_number() OVER (PARTITION BY type ORDER BY row, field_number) <= ? "
        "ORDER BY row NULLS FIRST, field_number NULLS FIRST",
        [cap],
    ).fetchall()
    con.execute("DROP TABLE found")
    fields = {f.name: f for f in schema.fields}
    return [error_dict(Finding(*r), fields) for r in rows], counts, by_field


def _register_python_regex(con: duckdb.DuckDBPyConnection) -> None:
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
