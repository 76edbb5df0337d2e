"""``case``: write text columns in upper, lower or title case (``Saint-Étienne``).

Title case capitalises the first letter after any non-letter, as Python's ``str.title``.
"""

from __future__ import annotations

from socle.core.tableschema import TEXT_TYPES
from socle.quality.cleaning._model import Output, Param, Params, Step, Table, Transform
from socle.quality.cleaning._params import COLUMNS, choice
from socle.sql import identifier

WORDS = r"'\p{L}+|[^\p{L}]+'"


def _cased(cell: str, to: str) -> str:
    if to == "title":
        words = f"regexp_extract_all({cell}, {WORDS})"
        return f"array_to_string([upper(left(w, 1)) || lower(substr(w, 2)) for w in {words}], '')"
    return f"{to}({cell})"


def build(params: Params, table: Table) -> Transform:
    names = table.columns(params, accepted=TEXT_TYPES)
    return table.converted(
        names,
        lambda name: Output(table.field(name), _cased(identifier(name), params["to"]), name),
    )


STEP = Step(
    name="case",
    description_fr="Met le texte en majuscules, en minuscules ou en capitales initiales.",
    params={
        "columns": Param(COLUMNS, "colonnes de texte", required=True),
        "to": Param(choice("upper", "lower", "title"), "casse voulue", required=True),
    },
    build=build,
)
