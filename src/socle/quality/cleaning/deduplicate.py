"""``deduplicate``: keep the first of rows that repeat, in the file's order.

Rows are compared on every column, or on the key ``columns``; missing values are equal.
"""

from __future__ import annotations

from socle.quality.cleaning._model import ROW_ORDER, Param, Params, Step, Table, Transform
from socle.quality.cleaning._params import COLUMNS
from socle.sql import identifier


def build(params: Params, table: Table) -> Transform:
    key = table.columns(params) if "columns" in params else table.names()
    groups = ", ".join(identifier(n) for n in key)
    return Transform(
        tuple(table.keep(n) for n in table.names()),
        where=lambda previous: (
            f"{ROW_ORDER} IN (SELECT min({ROW_ORDER}) FROM {previous} GROUP BY {groups})"  # noqa: S608
        ),
    )


STEP = Step(
    name="deduplicate",
    description_fr=(
        "Supprime les lignes en double (sur toutes les colonnes ou sur une clé), en gardant "
        "la première dans l'ordre du fichier."
    ),
    params={"columns": Param(COLUMNS, "colonnes de la clé ; par défaut toutes")},
    build=build,
)
