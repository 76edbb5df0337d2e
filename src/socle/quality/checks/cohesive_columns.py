"""``cohesive-columns-value``: a column and ``othercolumns`` are all filled or all empty."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from socle.quality.checked import RowFindings, row_findings
from socle.quality.checks import column, column_list
from socle.sql import literal


class CohesiveColumns:
    name: ClassVar[str] = "cohesive-columns-value"

    def findings(
        self, params: Mapping[str, Any], columns: Mapping[str, Any]
    ) -> list[RowFindings | str]:
        first = column(params, "column", columns)
        group = [first, *column_list(params, "othercolumns", columns)]
        all_empty = " AND ".join(c.missing for c in group)
        all_filled = " AND ".join(f"NOT {c.missing}" for c in group)
        labels = ", ".join(f"`{c.label}`" for c in group)
        return [
            row_findings(
                self.name,
                f"NOT blank AND NOT ({all_empty}) AND NOT ({all_filled})",
                column=first,
                cell=f"coalesce({first.cell}, '')",
                note=literal(self.name),
                message=literal(
                    f"Les colonnes {labels} doivent être toutes remplies ou toutes vides"
                ),
            )
        ]


CHECK = CohesiveColumns()
