"""The ``checked`` relation every check reads, and how a check selects its findings from it.

For the file's label n, ``checked`` holds ``c<n>`` (the cell as written), ``m<n>`` (missing),
``t<n>`` (type error) and ``v<n>`` (typed value), plus ``_row``, ``blank`` and ``row_hash``
(of the row's cells, NULL for a blank row). Checks, built in and custom, select their
findings from it in FINDING_COLUMNS order.

One parallel pass over the cells (read straight from a CSV file, see ``table``) stores in
``typed`` what costs to compute: each cell's conversion (``x<n>``) and grammar check
(``p<n>``), ``row_hash``, whether a single-row check fails on the row (``failing``) and then
the row's text. Single-row checks read only ``failing_rows``, the few rows of ``checked``
built from there. Checks comparing rows read the view ``checked``, which pairs ``cells`` and
``typed`` row by row: the text is stored in ``cells`` only for them, and the duplicate-row
check needs it only when two rows share a hash (``repeated_rows``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from socle.quality.schema import Field
from socle.quality.table import TextTable
from socle.quality.types import TypeSQL
from socle.sql import identifier, literal

FINDING_COLUMNS = "type, row, field_number, field_name, cell, note, message"


@dataclass(frozen=True)
class Column:
    """A label of the file, and the schema field it matched (if any) with its type's SQL."""

    index: int  # 1-based position in the file = frictionless's fieldNumber
    label: str
    source: str  # column name in ``cells``
    field: Field | None
    types: TypeSQL | None

    @property
    def cell(self) -> str:
        return f"c{self.index}"

    @property
    def missing(self) -> str:
        return f"m{self.index}"

    @property
    def type_error(self) -> str:
        return f"t{self.index}"

    @property
    def value(self) -> str:
        return f"v{self.index}"


@dataclass(frozen=True)
class RowFindings:
    """Findings of one kind, one per row of ``checked`` where ``where`` holds.

    Every part is SQL over that row; ``where`` may not use ``_row``, unknown in the pass that
    evaluates the conditions of all such checks. A check comparing rows is a SELECT instead.
    """

    kind: str
    where: str
    field_number: str = "NULL"
    field_name: str = "''"
    cell: str = "NULL"
    note: str = "''"
    message: str = "''"

    def select(self, relation: str) -> str:
        """The findings as a SELECT over ``relation``: rows of ``checked``."""
        return (
            f"SELECT {literal(self.kind)} AS type, _row AS row, "  # noqa: S608
            f"CAST({self.field_number} AS INTEGER) AS field_number, "
            f"{self.field_name} AS field_name, CAST({self.cell} AS VARCHAR) AS cell, "
            f"{self.note} AS note, {self.message} AS message FROM {relation} WHERE {self.where}"
        )


def row_findings(
    kind: str,
    where: str,
    *,
    column: Column | None = None,
    cell: str = "NULL",
    note: str = "''",
    message: str = "''",
    field_number: str | None = None,
) -> RowFindings:
    """Findings of ``kind`` on the rows where ``where`` holds, about ``column`` if given."""
    return RowFindings(
        kind,
        where,
        field_number=field_number or (str(column.index) if column else "NULL"),
        field_name=literal(column.label) if column else "''",
        cell=cell,
        note=note,
        message=message,
    )


@contextmanager
def checked_relations(
    con: duckdb.DuckDBPyConnection,
    table: TextTable,
    columns: list[Column],
    missing_values: tuple[str, ...],
    checks: list[RowFindings],
    *,
    compare_rows: bool,
) -> Iterator[bool]:
    """Create ``typed``, ``repeated_rows``, ``failing_rows`` (the rows where one of ``checks``
    finds something) and, when rows are compared, the view ``checked``; drop them on exit.

    Rows are compared when ``compare_rows`` (a check other than duplicate rows compares
    them) or when two rows share a hash; only then is the text stored (``TextTable.store``).
    Yields whether ``checked`` exists. ``missing_values`` are the schema's, for the columns
    no field describes.
    """
    rows = _Rows(table, columns, missing_values)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {rows.typed(checks)}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE repeated_rows AS SELECT row_hash FROM typed "
            "WHERE row_hash IS NOT NULL GROUP BY ALL HAVING count(*) > 1"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE failing_rows AS {rows.failing()}")
        repeated = con.execute("SELECT count(*) FROM repeated_rows").fetchall()[0][0]
        if compare_rows or repeated:
            table.store(con)
            con.execute(f"CREATE OR REPLACE TEMP VIEW checked AS {rows.paired()}")
        yield compare_rows or bool(repeated)
    finally:
        con.execute("DROP VIEW IF EXISTS checked")
        for name in ("typed", "repeated_rows", "failing_rows"):
            con.execute(f"DROP TABLE IF EXISTS {name}")


class _Rows:
    """The SQL of checked rows: computed from the cells (``typed``), then read back."""

    def __init__(
        self, table: TextTable, columns: list[Column], missing_values: tuple[str, ...]
    ) -> None:
        self.table, self.columns, self.missing_values = table, columns, missing_values
        trim = "ltrim({}, ' ')" if table.initial_space else "{}"
        self.text = [
            *(f"{trim.format('cells.' + identifier(c.source))} AS {c.cell}" for c in columns),
            *(f"cells.{identifier(x)}" for x in table.extra),
        ]
        self.names = [*(c.cell for c in columns), *table.extra]

    def typed(self, checks: list[RowFindings]) -> str:
        """The SELECT of ``typed``, over ``table.source``: one layer per step, so that each
        conversion and each grammar check is computed once per cell. The text of the failing
        rows (usually few) is kept, as ``failing_text``."""
        converted, graded, stored = [], [], []
        for c in self.columns:
            if c.types is None or c.types.parses is None:
                continue  # any text is a valid value of itself
            value = c.cell
            if c.types.value is not None:
                value = f"x{c.index}"
                converted.append(f", {c.types.value(c.cell)} AS {value}")
                stored.append(value)
            graded.append(f", coalesce({c.types.parses(c.cell, value)}, FALSE) AS p{c.index}")
            stored.append(f"p{c.index}")
        layers = (
            f"SELECT *{''.join(graded)} FROM (SELECT *{''.join(converted)} FROM ("  # noqa: S608
            f"SELECT {', '.join(self.text)} FROM {self.table.source} AS cells))"
        )
        cells_hash = f"hash({', '.join(c.cell for c in self.columns)})"
        failing = " OR ".join(f"({check.where})" for check in checks) or "FALSE"
        names = ", ".join(map(identifier, self.names))
        return (
            f"SELECT * EXCLUDE ({names}), "  # noqa: S608
            f"CASE WHEN failing THEN [{names}] END AS failing_text FROM ("
            f"SELECT {names}{''.join(', ' + s for s in stored)}, "
            f"CASE WHEN NOT blank THEN {cells_hash} END AS row_hash, {failing} AS failing "
            f"FROM ({self._checked(layers)}))"
        )

    def failing(self) -> str:
        """The rows of ``checked`` where one of the checks finds something, from ``typed``."""
        number = self.table.row_number.format(rowid="typed.rowid")
        text = ", ".join(
            f"failing_text[{i}] AS {identifier(name)}" for i, name in enumerate(self.names, start=1)
        )
        return self._checked(
            f"SELECT ({number})::BIGINT AS _row, {text}, "  # noqa: S608
            "typed.* EXCLUDE (failing_text) FROM typed WHERE failing"
        )

    def paired(self) -> str:
        """``checked``: the stored ``cells`` beside their row of ``typed``."""
        number = self.table.row_number.format(rowid="cells.rowid")
        return self._checked(
            f"SELECT ({number})::BIGINT AS _row, {', '.join(self.text)}, "  # noqa: S608
            "typed.* EXCLUDE (failing_text) FROM cells POSITIONAL JOIN typed"
        )

    def _checked(self, source: str) -> str:
        """``source`` (cells, conversions, grammar checks) with the columns checks read."""
        missing, derived = [], []
        for c in self.columns:
            values = c.field.missing_values if c.field else self.missing_values
            listed = f" OR {c.cell} IN ({', '.join(map(literal, values))})" if values else ""
            missing.append(f", ({c.cell} IS NULL{listed}) AS {c.missing}")
            if c.types is None or c.types.parses is None:
                derived.append(f"FALSE AS {c.type_error}")
                derived.append(f"CASE WHEN NOT {c.missing} THEN {c.cell} END AS {c.value}")
                continue
            value = f"x{c.index}" if c.types.value else c.cell
            derived.append(f"NOT {c.missing} AND NOT p{c.index} AS {c.type_error}")
            derived.append(
                f"CASE WHEN p{c.index} AND NOT {c.missing} THEN {value} END AS {c.value}"
            )
        blank = " AND ".join(c.missing for c in self.columns) or "FALSE"
        return (
            f"SELECT *, {', '.join(derived)}, {blank} AS blank "  # noqa: S608
            f"FROM (SELECT *{''.join(missing)} FROM ({source}))"
        )
