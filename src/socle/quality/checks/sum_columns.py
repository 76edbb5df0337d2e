"""``sum-columns-value``: a column equals the sum of other columns, on rows where all are filled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from socle.quality.checked import RowFindings, row_findings
from socle.quality.checks import column, column_list
from socle.sql import literal


class SumColumns:
    name: ClassVar[str] = "sum-columns-value"

    def findings(
        self, params: Mapping[str, Any], columns: Mapping[str, Any]
    ) -> list[RowFindings | str]:
        total = column(params, "column", columns)
        parts = column_list(params, "columns", columns)
        filled = " AND ".join(f"{c.value} IS NOT NULL" for c in [total, *parts])
        addition = " + ".join(f"CAST({c.value} AS DOUBLE)" for c in parts)
        names = " + ".join(f"`{c.label}`" for c in parts)
        return [
            row_findings(
                self.name,
                f"NOT blank AND {filled} AND "
                f"abs(CAST({total.value} AS DOUBLE) - ({addition})) > 1e-9",
                column=total,
                cell=total.cell,
                note=literal(f"{total.label} = {' + '.join(c.label for c in parts)}"),
                message=f"'La valeur de `{total.label}` (' || {total.cell} || ') doit être égale "
                f"à la somme {names} (' || ({addition}) || ')'",
            )
        ]


CHECK = SumColumns()
