"""Validate a table against a Table Schema, as column operations in DuckDB.

The file's cells (see ``table``) are matched to the schema's fields **by name**, as Validata
does: a missing optional column or an extra column is a warning, a missing required column
an error, another order a warning. Then one pass computes, for every matched field, whether
each cell parses and its typed value (see ``checked``), and evaluates there the conditions of
the checks of a row on its own (types, constraints, blank rows, missing and extra cells, most
custom checks), which then only read the rows that fail. The checks comparing rows (unique,
primary and foreign keys, duplicate rows) are SELECTs of their own. All findings are counted
in full while only the first ``cap`` of each type are kept with their row, field and value.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import duckdb

from socle.ingest._duckdb import session
from socle.ingest.base import ReadOptions
from socle.quality import checks
from socle.quality.checked import (
    FINDING_COLUMNS,
    Column,
    RowFindings,
    checked_relations,
    row_findings,
)
from socle.quality.constraints import constraint_conditions, register_python_regex
from socle.quality.report import DEFAULT_CAP, Finding, Report, error_dict
from socle.quality.schema import ForeignKey, TableSchema
from socle.quality.table import TextTable, text_table
from socle.quality.types import type_sql
from socle.sql import identifier, literal

# A foreign key's ``resource`` (a dataset slug) -> SQL relation of its data, or None if unknown.
ReferenceResolver = Callable[[str], str | None]
# A check: findings of single rows, or a SELECT of findings comparing rows.
Check = RowFindings | str


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
    """Validate ``table``; a file DuckDB's parallel reader refuses is read again with care."""
    started = time.perf_counter()
    con.execute("SET TimeZone = 'UTC'")
    register_python_regex(con)
    try:
        report = _validate(con, table, schema, cap, references, schema_name)
    except duckdb.Error:
        if table.careful is None:
            raise
        report = _validate(con, table.careful(), schema, cap, references, schema_name)
    report.seconds = time.perf_counter() - started
    return report


def _validate(
    con: duckdb.DuckDBPyConnection,
    table: TextTable,
    schema: TableSchema,
    cap: int,
    references: ReferenceResolver | None,
    schema_name: str,
) -> Report:
    columns, header_findings, warnings = match_header(table, schema)
    warnings = [*schema.warnings, *warnings]
    by_name = {c.field.name: c for c in columns if c.field is not None}
    integrity = list(_integrity_checks(schema, by_name, references, warnings))
    custom, custom_warnings = checks.findings(schema.custom_checks, by_name)
    warnings.extend(custom_warnings)
    all_checks: list[Check] = [
        *_cell_checks(columns),
        *_row_checks(table, columns),
        *integrity,
        *custom,
    ]
    findings = [*header_findings, *(Finding("blank-row", row=r) for r in table.empty_rows)]
    per_row = [c for c in all_checks if isinstance(c, RowFindings)]
    # SELECTs compare rows; the duplicate-row one needs the text only if two rows share a hash.
    compare_rows = any(isinstance(c, str) for c in [*integrity, *custom])
    with checked_relations(
        con, table, columns, schema.missing_values, per_row, compare_rows=compare_rows
    ) as compared:
        records = con.execute("SELECT count(*) FROM typed").fetchall()[0][0]
        errors, counts, by_field = _collect(
            con, all_checks, findings, cap, schema, compared=compared
        )
    return Report(
        name=table.file_name,
        labels=table.labels,
        rows=records + len(table.empty_rows),
        fields=len(table.labels),
        errors=errors,
        warnings=warnings,
        counts=counts,
        counts_by_field=by_field,
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


def _cell_checks(columns: list[Column]) -> Iterable[Check]:
    for c in columns:
        yield row_findings("missing-cell", f"NOT blank AND {c.cell} IS NULL", column=c, cell="''")
        fld = c.field
        if fld is None or c.types is None:
            continue
        if c.types.parses is not None:
            yield row_findings(
                "type-error",
                f"NOT blank AND {c.type_error}",
                column=c,
                cell=c.cell,
                note=literal(f'type is "{fld.type}/{fld.format}"'),
            )
        for name, condition in constraint_conditions(fld, c.types, c):
            # frictionless prints the constraint with Python's str() (True, not true).
            note = literal(f'constraint "{name}" is "{fld.constraints[name]}"')
            yield row_findings(
                "constraint-error",
                f"NOT blank AND {condition}",
                column=c,
                cell=f"coalesce({c.cell}, '')",
                note=note,
            )


def _row_checks(table: TextTable, columns: list[Column]) -> Iterable[Check]:
    yield row_findings("blank-row", "blank")
    for offset, extra in enumerate(table.extra, start=1):
        yield row_findings(
            "extra-cell",
            f"NOT blank AND {identifier(extra)} IS NOT NULL",
            cell=identifier(extra),
            field_number=str(len(columns) + offset),
        )
    # Rows are compared as written: two rows whose cells fail to parse are not "the same".
    # Only rows whose hash repeats are compared: usually none, and then this does not run.
    values = ", ".join(c.cell for c in columns)
    yield (
        f"SELECT 'duplicate-row', _row, NULL, '', NULL, "  # noqa: S608
        "'the same as row at position \"' || previous || '\"', '' FROM ("
        f"SELECT _row, lag(_row) OVER (PARTITION BY {values} ORDER BY _row) AS previous "
        "FROM checked WHERE row_hash IN (SELECT row_hash FROM repeated_rows)) "
        "WHERE previous IS NOT NULL"
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
) -> Iterable[Check]:
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
        yield row_findings(
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
    all_checks: list[Check],
    extra: list[Finding],
    cap: int,
    schema: TableSchema,
    *,
    compared: bool,
) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, dict[str, int]]]:
    """Run every check: the first ``cap`` errors of each type, counts by type and by field.

    Single-row checks read only ``failing_rows``; the SELECTs comparing rows run if rows
    were ``compared`` (else the only one is duplicate rows, and no two rows share a hash).
    ``ordinal`` orders the findings of one cell as the checks are listed (``extra`` ones
    first), whatever DuckDB's scheduling.
    """
    selects = {
        n: check if isinstance(check, str) else check.select("failing_rows")
        for n, check in enumerate(all_checks, start=len(extra))
        if compared or isinstance(check, RowFindings)
    }
    union = " UNION ALL ".join(
        f"SELECT *, {n} AS ordinal FROM ({select})"  # noqa: S608
        for n, select in selects.items()
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE found AS {union}")
    if extra:
        con.executemany(
            "INSERT INTO found VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(*astuple(f), n) for n, f in enumerate(extra)],
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
        "QUALIFY row_number() OVER (PARTITION BY type ORDER BY row, field_number, ordinal) <= ? "
        "ORDER BY row NULLS FIRST, field_number NULLS FIRST, ordinal",
        [cap],
    ).fetchall()
    con.execute("DROP TABLE found")
    fields = {f.name: f for f in schema.fields}
    return [error_dict(Finding(*r), fields) for r in rows], counts, by_field
