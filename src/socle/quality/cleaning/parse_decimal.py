"""``parse-decimal``: numbers written the French way become numbers.

Read: a decimal comma (``12,5``), thousands grouped by spaces of any kind (``40 000,00``,
with plain, non-breaking or narrow non-breaking spaces) or by dots when a decimal comma
follows or there are several groups (``1.234,5``, ``1.234.567``), and plain numbers
(``2400.0``, ``1e5``). A lone dot is a decimal point: ``1.234`` is 1.234, never 1234.
``type: integer`` refuses a fractional part, and a number of more than 15 digits is refused
rather than rounded.
"""

from __future__ import annotations

from socle.core.tableschema import NUMERIC_TYPES
from socle.ingest.infer import MAX_DIGITS
from socle.quality.cleaning._model import Output, Param, Params, Step, Table, Transform
from socle.quality.cleaning._params import COLUMNS, ON_ERROR, choice
from socle.quality.cleaning._sql import INLINE_SPACE, parsed
from socle.sql import literal

SIGN = "[+-]?"
DOT_GROUPED = (
    rf"{SIGN}[0-9]{{1,3}}(?:\.[0-9]{{3}})+,[0-9]+|{SIGN}[0-9]{{1,3}}(?:\.[0-9]{{3}}){{2,}}"
)
SPACE_GROUPED = rf"{SIGN}[0-9]{{1,3}}(?:{INLINE_SPACE}[0-9]{{3}})+(?:[,.][0-9]+)?"
COMMA_DECIMAL = rf"{SIGN}[0-9]*,[0-9]+"
PLAIN = rf"{SIGN}(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
EXPECTED = {"number": "un nombre", "integer": "un nombre entier"}


def canonical(text: str) -> str:
    """SQL: the number ``text`` as DuckDB reads it (``-1234.5``), NULL when not a number."""
    ungrouped = f"regexp_replace({text}, {literal(INLINE_SPACE)}, '', 'g')"
    rules = (
        (DOT_GROUPED, f"replace(replace({text}, '.', ''), ',', '.')"),
        (SPACE_GROUPED, f"replace({ungrouped}, ',', '.')"),
        (COMMA_DECIMAL, f"replace({text}, ',', '.')"),
        (PLAIN, text),
    )
    branches = " ".join(
        f"WHEN regexp_full_match({text}, {literal(f'(?:{regex})')}) THEN {then}"
        for regex, then in rules
    )
    return f"CASE {branches} END"


def number(text: str, type_: str) -> str:
    """SQL: the value of ``text`` as ``type_``, NULL rather than an inexact one: an integer
    may be written ``12,00`` but not ``12,5`` (DuckDB's cast would round it), and a number
    of more than 15 digits would not fit a double."""
    if type_ == "integer":
        value = canonical(text)
        return (
            f"CASE WHEN regexp_full_match({value}, '[+-]?[0-9]+(?:\\.0*)?') "
            f"THEN TRY_CAST(regexp_replace({value}, '\\.0*$', '') AS BIGINT) END"
        )
    value = canonical(text)
    digits = f"ltrim(regexp_replace({value}, '[^0-9]', '', 'g'), '0')"
    return f"CASE WHEN length({digits}) <= {MAX_DIGITS} THEN TRY_CAST({value} AS DOUBLE) END"


def build(params: Params, table: Table) -> Transform:
    type_ = params.get("type", "number")

    def convert(name: str) -> Output:
        if table.type_of(name) in NUMERIC_TYPES:
            return table.keep(name)
        return parsed(
            table,
            name,
            type_,
            lambda text: number(text, type_),
            EXPECTED[type_],
        )

    return table.converted(table.columns(params, accepted={"string", *NUMERIC_TYPES}), convert)


STEP = Step(
    name="parse-decimal",
    description_fr=(
        "Convertit en nombres les textes à virgule décimale et séparateurs de milliers "
        "(espace, espace insécable, point) ; une colonne déjà numérique est laissée telle quelle."
    ),
    params={
        "columns": Param(COLUMNS, "colonnes de texte à convertir", required=True),
        "type": Param(choice("number", "integer"), "type obtenu ; par défaut number"),
        "on_error": ON_ERROR,
    },
    build=build,
)
