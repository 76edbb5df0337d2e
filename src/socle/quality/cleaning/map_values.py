"""``map-values``: replace listed values of one column by others (``N/A`` → nothing).

Values are matched exactly as written. Unlisted values are kept, or all replaced by
``default`` when it is given (``default: null`` empties them). The column becomes text.
"""

from __future__ import annotations

from socle.quality.cleaning._model import (
    Bound,
    Output,
    Param,
    Params,
    Step,
    Table,
    Transform,
    retyped,
)
from socle.quality.cleaning._params import COLUMN, MAPPING, OPTIONAL_TEXT
from socle.sql import identifier


def build(params: Params, table: Table) -> Transform:
    name = params["column"]
    mapping: dict[str, str | None] = params["mapping"]
    bound = Bound()
    text = f"CAST({identifier(name)} AS VARCHAR)"
    old, new = bound(list(mapping)), bound(list(mapping.values()))
    other = f"CAST({bound(params['default'])} AS VARCHAR)" if "default" in params else text
    sql = (
        f"CASE WHEN list_contains({old}, {text}) "
        f"THEN ({new})[list_position({old}, {text})] ELSE {other} END"
    )
    output = Output(retyped(table.field(name), "string"), sql, origin=name)
    return table.converted([name], lambda _: output, bound.values)


STEP = Step(
    name="map-values",
    description_fr=(
        "Remplace des valeurs d'une colonne par d'autres ; les valeurs non listées sont "
        "gardées, ou remplacées par « default » s'il est donné. La colonne devient du texte."
    ),
    params={
        "column": Param(COLUMN, "colonne", required=True),
        "mapping": Param(
            MAPPING, "{ancienne valeur: nouvelle valeur}, null pour vider", required=True
        ),
        "default": Param(OPTIONAL_TEXT, "valeur des cellules non listées ; null pour les vider"),
    },
    build=build,
)
