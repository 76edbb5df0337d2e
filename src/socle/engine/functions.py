"""ODSQL's functions of one field — dates, ranges, percentiles — as DuckDB SQL.

Arguments are never spliced as given: numbers are re-printed from parsed floats and date
patterns are rebuilt token by token from an allow-list, so the SQL holds only what Socle wrote.
Errors are ``ValueError`` with a French message; the compiler adds the position.
"""

from __future__ import annotations

import re

from socle.core.tableschema import NUMERIC_TYPES
from socle.sql import literal

DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")
TEMPORAL = {"date", "datetime", "time"}
# ODS (Java/ICU) date pattern letters -> strftime; anything else in a pattern is refused.
PATTERN_TOKENS = {
    "yyyy": "%Y",
    "yy": "%y",
    "MM": "%m",
    "dd": "%d",
    "HH": "%H",
    "mm": "%M",
    "ss": "%S",
}
PATTERN_SEPARATORS = set("-/ :T._,")
_PATTERN = re.compile("|".join(sorted(PATTERN_TOKENS, key=len, reverse=True)) + "|.", re.DOTALL)


def strftime_pattern(pattern: str) -> str:
    """``yyyy-MM`` -> ``%Y-%m``."""
    parts = []
    for token in _PATTERN.findall(pattern):
        if token in PATTERN_TOKENS:
            parts.append(PATTERN_TOKENS[token])
        elif token in PATTERN_SEPARATORS:
            parts.append(token)
        else:
            raise ValueError(
                f"Motif de date « {pattern} » non pris en charge : "
                f"utilisez {', '.join(PATTERN_TOKENS)} et les séparateurs - / : espace"
            )
    if not parts:
        raise ValueError("Motif de date vide")
    return "".join(parts)


def number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"« {text} » n'est pas un nombre") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"« {text} » n'est pas un nombre")
    return value


def _printed(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def scalar(
    function: str, column: str, name: str, type_: str, argument: str | None
) -> tuple[str, str, str]:
    """(SQL, default output name, result type) of ``function(name[, argument])``."""
    if function in DATE_PARTS:
        if argument is not None:
            raise ValueError(f"{function}() prend un seul argument")
        if type_ not in TEMPORAL:
            raise ValueError(f"{function}() s'applique à une date, pas à « {name} »")
        return f"{function}({column})", f"{function}({name})", "integer"
    if function == "date_format":
        if type_ not in TEMPORAL:
            raise ValueError(f"date_format() s'applique à une date, pas à « {name} »")
        if argument is None:
            raise ValueError("date_format() attend un motif, ex. date_format(jour, 'yyyy-MM')")
        pattern = strftime_pattern(argument)
        return (
            f"strftime({column}, {literal(pattern)})",
            f"date_format({name}, '{argument}')",
            "string",
        )
    if function == "range":
        if type_ not in NUMERIC_TYPES:
            raise ValueError(f"range() s'applique à un champ numérique, pas à « {name} »")
        step = number(argument) if argument is not None else 0.0
        if step <= 0:
            raise ValueError("range() attend un pas positif, ex. range(comptage, 100)")
        printed = _printed(step)
        return f"(floor({column} / {printed}) * {printed})", f"range({name}, {printed})", "number"
    raise ValueError(f"Fonction « {function} » inconnue")


def percentile(column: str, name: str, argument: str) -> tuple[str, str]:
    """(SQL, default output name) of ``percentile(name, argument)``, 0 < argument <= 100."""
    value = number(argument)
    if not 0 < value <= 100:
        raise ValueError("percentile() attend un centile entre 0 et 100, ex. percentile(x, 90)")
    return f"quantile_cont({column}, {value / 100!r})", f"percentile({name}, {_printed(value)})"
