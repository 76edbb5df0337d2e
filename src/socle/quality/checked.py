"""The ``checked`` table every check reads, and how a check selects its findings from it.

For the file's label n, ``checked`` holds ``c<n>`` (the cell as written), ``m<n>`` (missing),
``t<n>`` (type error) and ``v<n>`` (typed value), plus ``_row`` and ``blank``. Checks, built
in and custom, are SELECTs over it giving FINDING_COLUMNS.
"""

from __future__ import annotations

from dataclasses import dataclass

from socle.quality.schema import Field
from socle.quality.types import TypeSQL
from socle.sql import literal

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


def finding_select(
    kind: str,
    where: str,
    *,
    column: Column | None = None,
    cell: str = "NULL",
    note: str = "''",
    message: str = "''",
    field_number: str | None = None,
) -> str:
    """A SELECT over ``checked`` giving findings of one kind, in FINDING_COLUMNS order."""
    number = field_number or (str(column.index) if column else "NULL")
    name = literal(column.label) if column else "''"
    return (
        f"SELECT {literal(kind)} AS type, _row AS row, {number} AS field_number, "  # noqa: S608
        f"{name} AS field_name, CAST({cell} AS VARCHAR) AS cell, {note} AS note, "
        f"{message} AS message FROM checked WHERE {where}"
    )
