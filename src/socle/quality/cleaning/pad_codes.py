"""``pad-codes``: codes that lost their leading zeros, or became floats, written back.

Spreadsheets turn ``01004`` into ``1004`` and a SIRET into ``21004564700017.0`` or
``2.1004564700017e13``; this step writes the digits back at their width (a float is first
written as the integer it holds; spaces inside are dropped). Corsica's ``2A``/``2B`` and
overseas départements (``971``) are kept. A value that is not such a code is left as it
is: validation reports it. The column becomes text.
"""

from __future__ import annotations

from socle.core.tableschema import NUMERIC_TYPES
from socle.quality.cleaning._model import (
    Output,
    Param,
    Params,
    Step,
    StepError,
    Table,
    Transform,
    retyped,
)
from socle.quality.cleaning._params import COLUMNS, choice, integer
from socle.quality.cleaning._sql import INLINE_SPACE, filled_text
from socle.sql import literal

WIDTHS = {"insee": 5, "postal": 5, "siret": 14, "siren": 9, "departement": 2}
# Corsica (2A, 2B) keeps its letter; what follows it is padded to the kind's width.
CORSICAN_KINDS = frozenset({"insee", "departement"})
FLOAT = r"[0-9]+\.0*"
EXPONENT = r"[0-9]+(?:\.[0-9]+)?[eE]\+?[0-9]+"
CODE = "[0-9]+|2[AaBb][0-9]*"


def digits(text: str) -> str:
    """SQL: ``text`` as a code's characters (spaces dropped, a float holding an integer
    written as that integer); any other value unchanged."""
    compact = f"regexp_replace({text}, {literal(INLINE_SPACE)}, '', 'g')"
    as_double = f"TRY_CAST({compact} AS DOUBLE)"
    return (
        f"CASE WHEN regexp_full_match({compact}, {literal(FLOAT)}) "
        f"THEN regexp_replace({compact}, '\\.0*$', '') "
        f"WHEN regexp_full_match({compact}, {literal(EXPONENT)}) "
        f"AND {as_double} = floor({as_double}) THEN CAST(CAST({as_double} AS HUGEINT) AS VARCHAR) "
        f"WHEN regexp_full_match({compact}, {literal(CODE)}) THEN {compact} "
        f"ELSE {text} END"
    )


def padded(code: str, width: int, corsican: bool) -> str:
    """SQL: ``code`` left-padded with zeros to ``width`` when it is too short."""
    rules = []
    if corsican:
        rest = width - 2
        rules.append(
            f"WHEN regexp_full_match({code}, '2[AaBb][0-9]{{{min(rest, 1)},{rest}}}') "
            f"THEN upper(left({code}, 2)) || lpad(substr({code}, 3), {rest}, '0')"
        )
    if width > 1:
        rules.append(
            f"WHEN regexp_full_match({code}, '[0-9]{{1,{width - 1}}}') "
            f"THEN lpad({code}, {width}, '0')"
        )
    return f"CASE {' '.join(rules)} ELSE {code} END" if rules else code


def build(params: Params, table: Table) -> Transform:
    if ("kind" in params) == ("width" in params):
        raise StepError("indiquez soit « kind », soit « width »")
    kind = params.get("kind")
    width = WIDTHS[kind] if kind else int(params["width"])

    def convert(name: str) -> Output:
        code = padded(digits(filled_text(table, name)), width, kind in CORSICAN_KINDS)
        return Output(retyped(table.field(name), "string"), code, origin=name)

    return table.converted(table.columns(params, accepted={"string", *NUMERIC_TYPES}), convert)


STEP = Step(
    name="pad-codes",
    description_fr=(
        "Rétablit les zéros initiaux perdus des codes (INSEE, postal, SIRET, SIREN, "
        "département) et réécrit en chiffres les codes devenus nombres à virgule ; "
        "la colonne devient du texte."
    ),
    params={
        "columns": Param(COLUMNS, "colonnes de codes", required=True),
        "kind": Param(choice(*WIDTHS), "sorte de code : donne la largeur"),
        "width": Param(integer(1, 64), "largeur, pour un autre code"),
    },
    build=build,
)
