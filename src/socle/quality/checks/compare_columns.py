"""``compare-columns-value``: ``column op column2`` holds on rows where both are filled.

Values are compared as their schema types (numbers as numbers, dates as dates).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from socle.quality.checked import RowFindings, row_findings
from socle.quality.checks import CheckParameterError, column
from socle.sql import literal

OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "=": "=", "!=": "<>"}
WORDS = {
    "<": "inférieure à",
    "<=": "inférieure ou égale à",
    ">": "supérieure à",
    ">=": "supérieure ou égale à",
    "==": "égale à",
    "=": "égale à",
    "!=": "différente de",
}


class CompareColumns:
    name: ClassVar[str] = "compare-columns-value"

    def findings(
        self, params: Mapping[str, Any], columns: Mapping[str, Any]
    ) -> list[RowFindings | str]:
        left, right = column(params, "column", columns), column(params, "column2", columns)
        op = params.get("op")
        if op not in OPERATORS:
            raise CheckParameterError(f"opérateur « {op} » inconnu")
        message = (
            f"'La valeur de `{left.label}` (' || {left.cell} || ') doit être {WORDS[op]} "
            f"celle de `{right.label}` (' || {right.cell} || ')'"
        )
        return [
            row_findings(
                self.name,
                f"NOT blank AND {left.value} IS NOT NULL AND {right.value} IS NOT NULL "
                f"AND NOT ({left.value} {OPERATORS[op]} {right.value})",
                column=left,
                cell=left.cell,
                note=literal(f"{left.label} {op} {right.label}"),
                message=message,
            )
        ]


CHECK = CompareColumns()
