"""The recipe's steps as SQL: each one is a SELECT list over the previous working table.

Steps see the columns' DuckDB types, so a step given a column of the wrong kind fails with
a French message before any row is read. Values a step cannot generalise (a postal code that
is not five digits) become NULL and are counted: a value left as it was could identify.
Coordinates to communes is the one step that is not pure SQL (see ``communes``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from socle.errors import InputError
from socle.governance.anonymisation import recipe as r
from socle.governance.anonymisation.key import HmacPads
from socle.sql import identifier

NUMERIC = (
    *("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL"),
    *("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"),
)
TEMPORAL = ("DATE", "TIMESTAMP")
METRES_PER_DEGREE = 111_320.0
DATE_FORMATS = {"week": "'%G-W%V'", "month": "'%Y-%m'"}


@dataclass
class Select:
    """A step's effect: output column -> SQL expression (in order), and its bound values.

    ``nulled`` counts values the step emptied: column -> predicate over the previous table.
    """

    columns: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    nulled: dict[str, str] = field(default_factory=dict)


class Columns:
    """The working table's columns and DuckDB types, as the next step sees them."""

    def __init__(self, types: Mapping[str, str], number: int, step: str) -> None:
        self.types = dict(types)
        self.where = f"étape {number} ({step})"

    def need(self, name: str, kinds: tuple[str, ...] | None = None, what: str = "") -> str:
        """The quoted column, checked to exist and to be of one of ``kinds``."""
        if name not in self.types:
            raise InputError(
                f"{self.where} : colonne « {name} » absente ; colonnes : {', '.join(self.types)}"
            )
        if kinds is not None and not self.types[name].upper().startswith(kinds):
            raise InputError(
                f"{self.where} : la colonne « {name} » ({self.types[name]}) n'est pas {what}"
            )
        return identifier(name)

    def kept(
        self, replaced: Mapping[str, str], dropped: frozenset[str] = frozenset()
    ) -> dict[str, str]:
        """Every column as is, except the ``replaced`` ones and the ``dropped`` ones."""
        return {
            name: replaced.get(name, identifier(name)) for name in self.types if name not in dropped
        }


def drop(step: r.Drop, cols: Columns, pads: HmacPads | None) -> Select:
    for name in step.columns:
        cols.need(name)
    return Select(cols.kept({}, frozenset(step.columns)))


def pseudonymise(step: r.Pseudonymise, cols: Columns, pads: HmacPads | None) -> Select:
    """HMAC-SHA256(key, value as text), in hex: H(outer || H(inner || value))."""
    if pads is None:
        raise RuntimeError("pseudonymise needs the key's pads")
    replaced = {}
    for name in step.columns:
        column = cols.need(name)
        text = f"encode(CAST({column} AS VARCHAR))"
        replaced[name] = f"sha256($outer_pad || unhex(sha256($inner_pad || {text})))"
    return Select(cols.kept(replaced), {"inner_pad": pads.inner, "outer_pad": pads.outer})


def generalise_date(step: r.GeneraliseDate, cols: Columns, pads: HmacPads | None) -> Select:
    column = cols.need(step.column, TEMPORAL, "une date")
    if step.to == "year":
        sql = f"CAST(year({column}) AS INTEGER)"
    else:
        sql = f"strftime({column}, {DATE_FORMATS[step.to]})"
    return Select(cols.kept({step.column: sql}))


def generalise_age(step: r.GeneraliseAge, cols: Columns, pads: HmacPads | None) -> Select:
    column = cols.need(step.column, NUMERIC, "un nombre")
    if step.width is not None:
        start = f"CAST(floor({column} / {step.width}) * {step.width} AS BIGINT)"
        sql = f"CAST({start} AS VARCHAR) || '-' || CAST({start} + {step.width - 1} AS VARCHAR)"
        return Select(cols.kept({step.column: sql}))
    bounds = step.bounds or []
    cases = [f"WHEN {column} < {bounds[0]} THEN '<{bounds[0]}'"]
    for low, high in pairwise(bounds):
        cases.append(f"WHEN {column} < {high} THEN '{low}-{high - 1}'")
    cases.append(f"WHEN {column} >= {bounds[-1]} THEN '{bounds[-1]}+'")
    return Select(cols.kept({step.column: f"(CASE {' '.join(cases)} END)"}))


def generalise_postal_code(
    step: r.GeneralisePostalCode, cols: Columns, pads: HmacPads | None
) -> Select:
    """Five digits -> département: 2A/2B in Corsica (200-201 / 202-206), 971-976 overseas."""
    column = cols.need(step.column)
    code = f"lpad(trim(CAST({column} AS VARCHAR)), 5, '0')"
    valid = f"regexp_full_match({code}, '[0-9]{{5}}')"
    sql = (
        f"(CASE WHEN NOT {valid} THEN NULL "
        f"WHEN left({code}, 3) IN ('200', '201') THEN '2A' "
        f"WHEN left({code}, 2) = '20' THEN '2B' "
        f"WHEN left({code}, 2) IN ('97', '98') THEN left({code}, 3) "
        f"ELSE left({code}, 2) END)"
    )
    nulled = {step.column: f"{column} IS NOT NULL AND NOT {valid}"}
    return Select(cols.kept({step.column: sql}), nulled=nulled)


def generalise_grid(step: r.GeneraliseCoordinates, cols: Columns, pads: HmacPads | None) -> Select:
    """Each point becomes the centre of its cell of about ``size`` × ``size`` metres: rows of
    cells of equal latitude height, each row cut in cells as wide as ``size`` at its centre.
    (``to: commune`` is not SQL: see ``communes``.)"""
    if step.to != "grid":
        raise RuntimeError("coordinates to communes are matched by communes.to_communes")
    lat = cols.need(step.latitude, NUMERIC, "un nombre")
    lon = cols.need(step.longitude, NUMERIC, "un nombre")
    size = float(step.size or 0)
    dlat = size / METRES_PER_DEGREE
    centre_lat = f"((floor({lat} / {dlat!r}) + 0.5) * {dlat!r})"
    dlon = f"({size!r} / ({METRES_PER_DEGREE!r} * greatest(cos(radians({centre_lat})), 0.01)))"
    centre_lon = f"((floor({lon} / {dlon}) + 0.5) * {dlon})"
    return Select(
        cols.kept(
            {step.latitude: f"round({centre_lat}, 6)", step.longitude: f"round({centre_lon}, 6)"}
        )
    )


Builder = Callable[[Any, Columns, HmacPads | None], Select]
SQL_STEPS: dict[type, Builder] = {
    r.Drop: drop,
    r.Pseudonymise: pseudonymise,
    r.GeneraliseDate: generalise_date,
    r.GeneraliseAge: generalise_age,
    r.GeneralisePostalCode: generalise_postal_code,
    r.GeneraliseCoordinates: generalise_grid,
}
