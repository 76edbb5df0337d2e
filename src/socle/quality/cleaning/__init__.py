"""Cleaning ("mise en qualité"): a declared, repeatable list of steps deriving a new table.

Each step is a small module of this package defining ``STEP`` (a :class:`Step`): its name,
its French description, its declared parameters and ``build``, which turns them into SQL
over the previous step's columns (see ``_model``). Adding a step is adding a module.
``parse_steps`` reads the YAML a user writes; ``clean_parquet`` runs the steps in DuckDB
and logs, per step, how many cells of each column changed and how many rows went.

A value that a step cannot convert (a date that is not one) is never dropped silently: the
run fails and names the values, unless that step says ``on_error: null``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml

from socle.errors import InputError
from socle.quality.cleaning._model import (
    Bound,
    Kind,
    Output,
    Param,
    PlannedStep,
    Step,
    StepError,
    Table,
    Transform,
)
from socle.quality.cleaning._params import checked_params
from socle.quality.cleaning._run import CleaningResult, clean_parquet

__all__ = [
    "Bound",
    "CleaningResult",
    "Kind",
    "Output",
    "Param",
    "PlannedStep",
    "Step",
    "StepError",
    "Table",
    "Transform",
    "clean_parquet",
    "parse_steps",
    "registry",
]


@cache
def registry() -> dict[str, Step]:
    """Every step by name, from the ``STEP`` of each public module of this package."""
    found: dict[str, Step] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        step = getattr(importlib.import_module(f"{__name__}.{module.name}"), "STEP", None)
        if step is not None:
            found[step.name] = step
    return dict(sorted(found.items()))


class _TextLoader(yaml.SafeLoader):
    """YAML whose scalars stay text, except null: ``01`` keeps its zero, ``yes`` and
    ``2024-01-31`` stay as written, and each parameter's kind reads its own value."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_steps(text: str) -> list[PlannedStep]:
    """The steps of a YAML (or JSON) document: a list of ``{step: name, ...params}``, or a
    mapping whose ``steps`` key holds that list. Errors name the step and the problem."""
    try:
        document = yaml.load(text, Loader=_TextLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 1}, colonne {mark.column + 1})" if mark else ""
        raise InputError(f"YAML illisible{where} : {getattr(exc, 'problem', exc)}") from None
    if isinstance(document, Mapping):
        extra = sorted(set(document) - {"steps"})
        if extra:
            raise InputError(f"clé « {extra[0]} » inconnue : seule « steps » est attendue")
        document = document.get("steps")
    if not isinstance(document, list) or not document:
        raise InputError("une liste d'étapes est attendue, chacune sous la forme {step: nom, ...}")
    return [_planned(number, entry) for number, entry in enumerate(document, start=1)]


def _planned(number: int, entry: Any) -> PlannedStep:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("step"), str):
        raise InputError(f"étape {number} : « step: nom de l'étape » attendu")
    steps = registry()
    name = entry["step"]
    step = steps.get(name)
    if step is None:
        raise InputError(
            f"étape {number} : étape « {name} » inconnue ; étapes connues : {', '.join(steps)}"
        )
    given = {k: v for k, v in entry.items() if k != "step"}
    try:
        params = checked_params(step.params, given)
    except ValueError as exc:
        raise InputError(f"étape {number} ({name}) : {exc}") from None
    return PlannedStep(number, step, params)
