"""Custom checks named in a schema's ``custom_checks``, as schema.data.gouv.fr writes them.

Each check is a small module of this package defining ``CHECK``: an object with a ``name``
(Validata's kebab-case name) and ``findings(params, columns)`` returning its findings over the
``checked`` relation (see ``checked``): ``RowFindings`` when each row is judged on its own (all
of those run in one scan), or a SQL SELECT in FINDING_COLUMNS order when rows are compared.
Adding a check is adding a module.
A name the registry does not know, or parameters naming absent columns, give a warning, not
a failure: the vocabulary is open (new schemas bring new checks).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from socle.quality.checked import Column, RowFindings, row_findings
from socle.sql import literal


class CheckParameterError(Exception):
    """The check's parameters are missing, malformed or name a column the file lacks."""


class CustomCheck(Protocol):
    @property
    def name(self) -> str: ...

    def findings(
        self, params: Mapping[str, Any], columns: Mapping[str, Column]
    ) -> list[RowFindings | str]: ...


@cache
def registry() -> dict[str, CustomCheck]:
    found: dict[str, CustomCheck] = {}
    for module in pkgutil.iter_modules(__path__):
        check = getattr(importlib.import_module(f"{__name__}.{module.name}"), "CHECK", None)
        if check is not None:
            found[check.name] = check
    return found


def findings(
    declared: tuple[dict[str, Any], ...], columns: Mapping[str, Column]
) -> tuple[list[RowFindings | str], list[str]]:
    """The findings of every declared check, and warnings for those that cannot run."""
    out: list[RowFindings | str] = []
    warnings: list[str] = []
    for entry in declared:
        name = str(entry.get("name"))
        check = registry().get(name.replace("_", "-"))
        if check is None:
            warnings.append(f"Contrôle personnalisé « {name} » inconnu : il n'est pas appliqué.")
            continue
        params = entry.get("params") or {}
        try:
            if not isinstance(params, Mapping):
                raise CheckParameterError("« params » doit être un objet")
            out.extend(check.findings(params, columns))
        except CheckParameterError as exc:
            warnings.append(f"Contrôle personnalisé « {name} » non appliqué : {exc}.")
    return out, warnings


def column(params: Mapping[str, Any], key: str, columns: Mapping[str, Column]) -> Column:
    """The file's column named by parameter ``key``."""
    name = params.get(key)
    if not isinstance(name, str):
        raise CheckParameterError(f"paramètre « {key} » manquant")
    found = columns.get(name)
    if found is None:
        raise CheckParameterError(f"colonne « {name} » absente du fichier")
    return found


def column_list(params: Mapping[str, Any], key: str, columns: Mapping[str, Column]) -> list[Column]:
    names = params.get(key)
    if not isinstance(names, list) or not names:
        raise CheckParameterError(f"paramètre « {key} » : liste de colonnes attendue")
    return [column({key: n}, key, columns) for n in names]


@dataclass(frozen=True)
class ValueCheck:
    """A check of each filled cell of one column (parameter ``column``) on its own.

    ``invalid(cell, params)`` is SQL true for a bad cell; ``message(cell)`` is SQL French text.
    """

    name: str
    invalid: Callable[[str, Mapping[str, Any]], str]
    message: Callable[[str], str]

    def findings(
        self, params: Mapping[str, Any], columns: Mapping[str, Column]
    ) -> list[RowFindings | str]:
        col = column(params, "column", columns)
        return [
            row_findings(
                self.name,
                f"NOT blank AND NOT {col.missing} AND ({self.invalid(col.cell, params)})",
                column=col,
                cell=col.cell,
                note=literal(self.name),
                message=self.message(col.cell),
            )
        ]


def digits_only(cell: str, removed: str = " .") -> str:
    """The cell without the separators people type inside numbers."""
    return f"regexp_replace({cell}, {literal('[' + removed + ']')}, '', 'g')"


def luhn_valid(text: str, length: int) -> str:
    """SQL: ``text`` (exactly ``length`` digits) passes the Luhn key, unrolled (no lambdas)."""
    terms = []
    for position in range(1, length + 1):
        digit = f"CAST(substr({text}, {position}, 1) AS INTEGER)"
        if (length - position) % 2 == 1:
            terms.append(f"(2 * {digit} - CASE WHEN {digit} >= 5 THEN 9 ELSE 0 END)")
        else:
            terms.append(digit)
    pattern = "'^[0-9]{" + str(length) + "}$'"
    return (
        f"CASE WHEN regexp_full_match({text}, {pattern}) THEN ({' + '.join(terms)}) % 10 = 0 "
        "ELSE FALSE END"
    )
