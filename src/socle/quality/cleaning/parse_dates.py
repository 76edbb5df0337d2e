"""``parse-dates``: French dates written as text become real dates.

By default ``31/12/2024``, ``31/12/24``, ``31-12-2024`` and ``2024-12-31`` are read (a
two-digit year is 19xx from 69 to 99, 20xx below, as POSIX ``strptime``); ``format`` gives
other ``strptime`` formats. Each format is tried only on the cells written its way, so
``01/02/24`` is never read as year 24.
"""

from __future__ import annotations

import re

from socle.errors import InvalidSchemaError
from socle.quality.cleaning._model import Bound, Param, Params, Step, StepError, Table, Transform
from socle.quality.cleaning._params import COLUMNS, ON_ERROR, TEXTS
from socle.quality.cleaning._sql import parsed
from socle.quality.types import full, strptime_regex

DEFAULT_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d")
TIME_DIRECTIVE = re.compile("%[HIMSfpzZ]")


def build(params: Params, table: Table) -> Transform:
    formats = params.get("format", DEFAULT_FORMATS)
    if any(TIME_DIRECTIVE.search(f) for f in formats):
        raise StepError("format : des dates seulement (une heure serait perdue)")
    bound = Bound()
    try:
        patterns = [(bound(full(strptime_regex(f, "format"))), bound(f)) for f in formats]
    except InvalidSchemaError as exc:
        raise StepError(exc.message) from None

    def value(text: str) -> str:
        branches = " ".join(
            f"WHEN regexp_full_match({text}, {regex}) THEN try_strptime({text}, {format_})"
            for regex, format_ in patterns
        )
        return f"CAST(CASE {branches} END AS DATE)"

    names = table.columns(params, accepted={"string", "date"})
    return table.converted(
        names,
        lambda name: (
            table.keep(name)
            if table.type_of(name) == "date"
            else parsed(table, name, "date", value, f"une date ({', '.join(formats)})")
        ),
        bound.values,
    )


STEP = Step(
    name="parse-dates",
    description_fr=(
        "Convertit en dates les textes jj/mm/aaaa, jj/mm/aa, jj-mm-aaaa et aaaa-mm-jj "
        "(ou les formats donnés) ; une colonne déjà en dates est laissée telle quelle."
    ),
    params={
        "columns": Param(COLUMNS, "colonnes de texte à convertir", required=True),
        "format": Param(TEXTS, "format(s) strptime, par ex. %d.%m.%Y, essayés dans l'ordre"),
        "on_error": ON_ERROR,
    },
    build=build,
)
