"""A spreadsheet's content before it is written: named sheets of text rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    cells: list[str]
    bold: bool = False


@dataclass
class Sheet:
    name: str
    rows: list[Row] = field(default_factory=list)

    def heading(self, title: str) -> None:
        self.rows += [Row([]), Row([title], bold=True)]

    def add(self, *cells: Any, bold: bool = False) -> None:
        self.rows.append(Row([text(c) for c in cells], bold=bold))


def text(value: Any) -> str:
    """A cell's text: « Oui »/« Non » for booleans, nothing for None."""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    return "" if value is None else str(value)
