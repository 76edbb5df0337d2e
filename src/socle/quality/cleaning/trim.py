"""``trim``: strip cells and collapse each run of spaces (NBSP, narrow NBSP...) into one.

Spreadsheets pad cells and French typography puts non-breaking spaces everywhere; both
make equal values differ. A cell left empty becomes missing, as ingest reads empty cells.
"""

from __future__ import annotations

from socle.core.tableschema import TEXT_TYPES
from socle.quality.cleaning._model import Output, Param, Params, Step, Table, Transform
from socle.quality.cleaning._params import COLUMNS
from socle.quality.cleaning._sql import INLINE_SPACE
from socle.quality.types import stripped
from socle.sql import identifier, literal


def _trimmed(table: Table, name: str) -> Output:
    collapsed = f"regexp_replace({identifier(name)}, {literal(INLINE_SPACE + '+')}, ' ', 'g')"
    return Output(table.field(name), f"NULLIF({stripped(collapsed)}, '')", origin=name)


def build(params: Params, table: Table) -> Transform:
    names = table.columns(params, accepted=TEXT_TYPES, default=TEXT_TYPES)
    return table.converted(names, lambda name: _trimmed(table, name))


STEP = Step(
    name="trim",
    description_fr=(
        "Retire les espaces en début et fin de cellule et réduit chaque suite d'espaces "
        "(espaces insécables compris) à une espace ; une cellule vide devient manquante."
    ),
    params={"columns": Param(COLUMNS, "colonnes de texte ; par défaut toutes")},
    build=build,
)
