"""``rename``: rename columns, by a mapping or by matching a target schema's field names.

With ``to_schema``, a column takes the name of the field it matches when case, accents,
spaces and punctuation are ignored: ``Code INSEE`` becomes ``code_insee``. Columns that
match no field keep their name. Values are untouched.
"""

from __future__ import annotations

import re
import unicodedata

from socle.quality.cleaning._model import Output, Param, Params, Step, StepError, Table, Transform
from socle.quality.cleaning._params import FIELD_NAMES, MAPPING
from socle.sql import identifier


def loose(name: str) -> str:
    """``name`` compared loosely: lower case, no accents, letters and digits only."""
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub("[^a-z0-9]", "", bare.lower())


def _schema_renames(table: Table, targets: list[str]) -> dict[str, str]:
    by_key: dict[str, str] = {}
    for target in targets:
        by_key.setdefault(loose(target), target)
    return {n: by_key[loose(n)] for n in table.names() if loose(n) in by_key}


def renames(params: Params, table: Table) -> dict[str, str]:
    """Old name -> new name, checked: every old name exists, no two columns share a name."""
    if "mapping" not in params and "to_schema" not in params:
        raise StepError("indiquez « mapping » ou « to_schema »")
    found = _schema_renames(table, params["to_schema"]) if "to_schema" in params else {}
    for old, new in params.get("mapping", {}).items():
        table.field(old)
        if not new:
            raise StepError(f"nouveau nom manquant pour « {old} »")
        found[old] = new
    names = [found.get(n, n) for n in table.names()]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise StepError(f"plusieurs colonnes s'appelleraient « {twice[0]} »")
    return {old: new for old, new in found.items() if old != new}


def build(params: Params, table: Table) -> Transform:
    found = renames(params, table)
    return Transform(
        tuple(
            Output({**table.field(n), "name": found.get(n, n)}, identifier(n), origin=n)
            for n in table.names()
        )
    )


STEP = Step(
    name="rename",
    description_fr=(
        "Renomme des colonnes, d'après des correspondances ou d'après les champs d'un schéma "
        "(sans tenir compte de la casse, des accents, des espaces ni de la ponctuation)."
    ),
    params={
        "mapping": Param(MAPPING, "{ancien nom: nouveau nom}"),
        "to_schema": Param(FIELD_NAMES, "schéma cible dont les colonnes prennent les noms"),
    },
    build=build,
)
