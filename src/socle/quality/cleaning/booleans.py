"""``booleans``: oui/non, vrai/faux, x and the like become true/false.

Values are compared without case and surrounding spaces. A missing cell stays missing,
unless ``false_values`` lists ``""``: then, as in a column of ticks (``x`` or nothing),
a missing cell means false.
"""

from __future__ import annotations

from socle.quality.cleaning._model import (
    Bound,
    Output,
    Param,
    Params,
    Step,
    StepError,
    Table,
    Transform,
)
from socle.quality.cleaning._params import COLUMNS, ON_ERROR, TEXTS
from socle.quality.cleaning._sql import parsed

TRUE_VALUES = ("oui", "o", "vrai", "v", "true", "t", "yes", "y", "1", "x")
FALSE_VALUES = ("non", "n", "faux", "f", "false", "no", "0")


def build(params: Params, table: Table) -> Transform:
    true_values = [v.strip().lower() for v in params.get("true_values", TRUE_VALUES)]
    false_values = [v.strip().lower() for v in params.get("false_values", FALSE_VALUES)]
    both = sorted(set(true_values) & set(false_values))
    if both:
        raise StepError(f"« {both[0]} » est à la fois dans true_values et false_values")
    bound = Bound()
    trues, falses = bound(true_values), bound(false_values)
    blank = "FALSE" if "" in false_values else "NULL"
    expected = f"une valeur parmi {', '.join(v for v in (*true_values, *false_values) if v)}"

    def value(text: str) -> str:
        return (
            f"CASE WHEN {text} IS NULL THEN {blank} "
            f"WHEN list_contains({trues}, lower({text})) THEN TRUE "
            f"WHEN list_contains({falses}, lower({text})) THEN FALSE END"
        )

    def convert(name: str) -> Output:
        if table.type_of(name) == "boolean":
            return table.keep(name)
        return parsed(table, name, "boolean", value, expected)

    names = table.columns(params, accepted={"string", "integer", "boolean"})
    return table.converted(names, convert, bound.values)


STEP = Step(
    name="booleans",
    description_fr=(
        "Convertit en booléens oui/non, o/n, vrai/faux, true/false, yes/no, 1/0 et x "
        "(ou les valeurs données), sans tenir compte de la casse."
    ),
    params={
        "columns": Param(COLUMNS, "colonnes à convertir", required=True),
        "true_values": Param(TEXTS, "valeurs lues comme vrai ; remplacent celles par défaut"),
        "false_values": Param(
            TEXTS, 'valeurs lues comme faux ; "" y fait d\'une cellule vide un faux'
        ),
        "on_error": ON_ERROR,
    },
    build=build,
)
