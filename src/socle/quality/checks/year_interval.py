"""``year-interval-value``: a span of years ``2019/2020`` (end after start); a lone year if
``allow-year-only`` is ``yes``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socle.quality.checks import ValueCheck


def not_an_interval(cell: str, params: Mapping[str, Any]) -> str:
    text = f"trim({cell})"
    span = (
        f"(regexp_full_match({text}, '[0-9]{{4}}/[0-9]{{4}}') AND "
        f"TRY_CAST(split_part({text}, '/', 2) AS INTEGER) > "
        f"TRY_CAST(split_part({text}, '/', 1) AS INTEGER))"
    )
    if str(params.get("allow-year-only", "no")).lower() in {"yes", "true", "oui"}:
        span = f"({span} OR regexp_full_match({text}, '[0-9]{{4}}'))"
    return f"NOT {span}"


CHECK = ValueCheck(
    name="year-interval-value",
    invalid=not_an_interval,
    message=lambda cell: (
        f"'La valeur `' || {cell} || '` n''est pas une période d''années "
        "valide (attendu : aaaa/aaaa, la seconde année après la première)'"
    ),
)
