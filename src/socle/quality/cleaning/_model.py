"""The step contract: declared parameters, the table a step sees, and what it returns.

A step never touches data. ``build`` turns validated parameters and the current columns
into a :class:`Transform`: the new SELECT list (one SQL expression per output column, over
the previous relation) and maybe a row filter. Running transforms one after the other and
counting what each changed is ``_run``'s job, so every step is counted the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from socle.sql import identifier

Params = Mapping[str, Any]
# The previous relation keeps its rows' original order in this pseudo-column (DuckDB tables).
ROW_ORDER = "rowid"
# Field keys that only make sense for the type a column had before a step converted it.
TYPE_BOUND_KEYS = frozenset(
    {"format", "decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues"}
)


class StepError(ValueError):
    """A step's parameters do not fit the table (absent column, wrong type); French text."""


@dataclass(frozen=True)
class Kind:
    """A parameter type: its French name for messages and docs, and how a value is checked.

    ``check`` returns the normalised value or raises ``ValueError`` with the French reason.
    """

    label_fr: str
    check: Callable[[Any], Any]


@dataclass(frozen=True)
class Param:
    kind: Kind
    help_fr: str
    required: bool = False


@dataclass(frozen=True)
class Output:
    """One column of a step's result.

    ``origin`` names the previous column it derives from (its changes are counted).
    ``expected_fr`` marks a conversion and says what a cell should be ("une date"): a
    filled cell that gives NULL is then a failure (the no-silent-loss rule).
    """

    field: dict[str, Any]
    sql: str
    origin: str | None = None
    expected_fr: str | None = None

    @property
    def name(self) -> str:
        return str(self.field["name"])


@dataclass(frozen=True)
class Transform:
    """A step's effect: the new SELECT list, bound values, and maybe a row filter (SQL
    WHERE predicate, given the previous relation's name for its subqueries)."""

    outputs: tuple[Output, ...]
    values: Mapping[str, Any] = field(default_factory=dict)
    where: Callable[[str], str] | None = None


class Bound:
    """User-given values of one step, bound as named parameters, never spliced into SQL."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"v{len(self.values)}"
        self.values[name] = value
        return f"${name}"


@dataclass(frozen=True)
class Table:
    """The columns a step sees: the previous step's Table Schema fields, in order."""

    fields: tuple[dict[str, Any], ...]

    def names(self) -> list[str]:
        return [str(f["name"]) for f in self.fields]

    def field(self, name: str) -> dict[str, Any]:
        for f in self.fields:
            if f["name"] == name:
                return f
        raise StepError(f"colonne « {name} » absente ; colonnes : {', '.join(self.names())}")

    def type_of(self, name: str) -> str:
        return str(self.field(name).get("type", "string"))

    def columns(
        self,
        params: Params,
        accepted: Iterable[str] | None = None,
        default: Iterable[str] = (),
    ) -> list[str]:
        """The columns named by parameter ``columns`` (or every column of a ``default``
        type), each checked to exist and to have an ``accepted`` type (any if None)."""
        if "columns" not in params:
            return [n for n in self.names() if self.type_of(n) in frozenset(default)]
        names: list[str] = params["columns"]
        for name in names:
            type_ = self.type_of(name)
            if accepted is not None and type_ not in accepted:
                raise StepError(
                    f"colonne « {name} » de type {type_} : types acceptés "
                    f"{', '.join(sorted(accepted))}"
                )
        return names

    def keep(self, name: str) -> Output:
        return Output(self.field(name), identifier(name), origin=name)

    def converted(
        self,
        names: Iterable[str],
        convert: Callable[[str], Output],
        values: Mapping[str, Any] | None = None,
    ) -> Transform:
        """The table with ``names`` converted one by one and every other column kept."""
        chosen = set(names)
        return Transform(
            tuple(convert(n) if n in chosen else self.keep(n) for n in self.names()), values or {}
        )


@dataclass(frozen=True)
class Step:
    """One kind of cleaning step; a module of this package exports one as ``STEP``."""

    name: str
    description_fr: str
    params: Mapping[str, Param]
    build: Callable[[Params, Table], Transform]


@dataclass(frozen=True)
class PlannedStep:
    """A step as declared at position ``number`` (from 1), its parameters validated."""

    number: int
    step: Step
    params: dict[str, Any]

    @property
    def label(self) -> str:
        return f"étape {self.number} ({self.step.name})"


def retyped(field: Mapping[str, Any], type_: str) -> dict[str, Any]:
    """``field`` now holding ``type_``: keys and constraints of the old type are dropped."""
    if field.get("type", "string") == type_:
        return dict(field)
    out = {k: v for k, v in field.items() if k not in TYPE_BOUND_KEYS and k != "constraints"}
    out["type"] = type_
    if (field.get("constraints") or {}).get("required"):
        out["constraints"] = {"required": True}
    return out
