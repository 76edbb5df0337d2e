"""``one-of-required``: at least one of two columns is filled on each row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from socle.quality.checked import RowFindings, row_findings
from socle.quality.checks import column
from socle.sql import literal


class OneOfRequired:
    name: ClassVar[str] = "one-of-required"

    def findings(
        self, params: Mapping[str, Any], columns: Mapping[str, Any]
    ) -> list[RowFindings | str]:
        first, second = column(params, "column1", columns), column(params, "column2", columns)
        return [
            row_findings(
                self.name,
                f"NOT blank AND {first.missing} AND {second.missing}",
                column=first,
                cell="''",
                note=literal(self.name),
                message=literal(
                    f"Au moins l'une des colonnes `{first.label}` ou `{second.label}` "
                    "doit comporter une valeur"
                ),
            )
        ]


CHECK = OneOfRequired()
