"""SQL pieces shared by several steps: a cell as trimmed text, and a checked conversion."""

from __future__ import annotations

from collections.abc import Callable

from socle.quality.cleaning._model import Output, Table, retyped
from socle.quality.types import stripped
from socle.sql import identifier

# Spaces inside a line, as French files write them: tabs, NBSP, narrow NBSP, thin spaces...
INLINE_SPACE = r"[ \t\x{A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]"


def filled(cell: str, type_: str) -> str:
    """SQL: ``cell`` as text without surrounding spaces; NULL when missing or blank."""
    text = cell if type_ == "string" else f"CAST({cell} AS VARCHAR)"
    return f"NULLIF({stripped(text)}, '')"


def filled_text(table: Table, name: str) -> str:
    return filled(identifier(name), table.type_of(name))


def parsed(
    table: Table, name: str, type_: str, value: Callable[[str], str], expected_fr: str
) -> Output:
    """Column ``name`` converted to ``type_`` by ``value`` (SQL over the filled text, NULL
    when the text does not parse). A filled cell that gives NULL is a failure: the run
    stops on it unless the step says ``on_error: null``, so nothing is lost silently."""
    return Output(
        retyped(table.field(name), type_),
        value(filled_text(table, name)),
        origin=name,
        expected_fr=expected_fr,
    )
