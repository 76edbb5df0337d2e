"""Table Schemas as Socle applies them, and the compatibility layer for published ones.

A schema is read once into a :class:`TableSchema` whose fields carry every option the
validator needs (types, formats, missing values, number and boolean options, constraints).

**Compatibility layer.** Schemas published on schema.data.gouv.fr are not all valid for
frictionless v5. Instead of rejecting them, Socle applies these documented repairs, each
reported as a warning on the schema:

- a ``name`` that is not lowercase (``DAE``) is lowercased;
- ``required`` written beside a field instead of inside its ``constraints`` is moved there;
- a ``pattern`` constraint on a field that is not a string (a date, say) is dropped, since
  the value it would apply to is no longer text;
- a legacy ``fmt:`` prefix on a date format (``fmt:%d/%m/%Y``) is removed.

Anything else that cannot be applied (bad JSON, an unknown type, a regular expression that
does not compile, a primary key naming no field) is an :class:`InvalidSchemaError` naming it.
The repaired descriptor is kept (``descriptor``): it is what the validator applied, and
what frictionless accepts.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socle.errors import InvalidSchemaError

FIELD_TYPES = frozenset(
    {
        "string",
        "number",
        "integer",
        "boolean",
        "object",
        "array",
        "date",
        "time",
        "datetime",
        "year",
        "yearmonth",
        "duration",
        "geopoint",
        "geojson",
        "any",
        "list",
    }
)
STRING_FORMATS = frozenset({"default", "email", "uri", "uuid", "binary", "wkt"})
GEOPOINT_FORMATS = frozenset({"default", "array", "object"})
CONSTRAINTS = frozenset(
    {
        "required",
        "unique",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "pattern",
        "enum",
        "jsonSchema",
    }
)
DEFAULT_MISSING_VALUES = ("",)
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")
NAME_PATTERN = re.compile(r"^([-a-z0-9._/])+$")


@dataclass(frozen=True)
class Field:
    """One column as the schema describes it."""

    name: str
    type: str = "string"
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)
    missing_values: tuple[str, ...] = DEFAULT_MISSING_VALUES
    decimal_char: str = "."
    group_char: str = ""
    bare_number: bool = True
    # frictionless only rewrites number text when one of the three options is written.
    number_options: bool = False
    true_values: tuple[str, ...] = DEFAULT_TRUE_VALUES
    false_values: tuple[str, ...] = DEFAULT_FALSE_VALUES
    title: str = ""
    description: str = ""

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this table whose values must exist in another dataset's columns."""

    fields: tuple[str, ...]
    resource: str  # a dataset slug of the catalog ("" = this same table)
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    fields: tuple[Field, ...]
    missing_values: tuple[str, ...] = DEFAULT_MISSING_VALUES
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    custom_checks: tuple[dict[str, Any], ...] = ()
    descriptor: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name") or "")

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.name)

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version") or "")

    def field_named(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def read_schema_text(text: str | bytes, source: str) -> TableSchema:
    """A schema from JSON text; ``source`` names it in errors."""
    return parse_schema(load_descriptor(text, source), source)


def load_descriptor(text: str | bytes, source: str) -> Any:
    """The JSON document as written, before any check or repair."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidSchemaError(f"JSON invalide ({exc})", source=source) from exc


def read_schema_file(path: Path) -> TableSchema:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidSchemaError(f"fichier illisible ({exc.strerror})", source=str(path)) from exc
    return read_schema_text(data, path.name)


def parse_schema(descriptor: Any, source: str) -> TableSchema:
    """Check ``descriptor`` and build the schema, repairing what the compatibility layer knows."""
    if not isinstance(descriptor, dict):
        raise InvalidSchemaError("un schéma est un objet JSON", source=source)
    if "fields" not in descriptor:
        if "$schema" in descriptor or "properties" in descriptor:
            raise InvalidSchemaError(
                "c'est un JSON Schema (pour des fichiers JSON ou GeoJSON), pas un Table Schema "
                "pour des données tabulaires",
                source=source,
            )
        raise InvalidSchemaError("la propriété « fields » manque", source=source)
    applied = copy.deepcopy(descriptor)
    warnings: list[str] = []
    name = applied.get("name")
    if isinstance(name, str) and name and not NAME_PATTERN.match(name):
        applied["name"] = re.sub(r"[^-a-z0-9._/]+", "-", name.lower()).strip("-") or "schema"
        warnings.append(f"nom du schéma « {name} » mis en minuscules : « {applied['name']} »")
    raw_fields = applied["fields"]
    if not isinstance(raw_fields, list) or not raw_fields:
        raise InvalidSchemaError("« fields » doit être une liste non vide de champs", source=source)
    schema_missing = _string_list(
        applied.get("missingValues", list(DEFAULT_MISSING_VALUES)), "missingValues", source
    )
    fields = tuple(
        _parse_field(raw, index, schema_missing, warnings, source)
        for index, raw in enumerate(raw_fields, start=1)
    )
    names = [f.name for f in fields]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidSchemaError(f"champ(s) en double : {', '.join(duplicates)}", source=source)
    primary_key = _key(applied.get("primaryKey"), names, "primaryKey", source)
    foreign_keys = tuple(_foreign_key(fk, names, source) for fk in applied.get("foreignKeys", []))
    checks = applied.get("custom_checks", [])
    if not isinstance(checks, list) or not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) for c in checks
    ):
        raise InvalidSchemaError(
            "« custom_checks » doit être une liste d'objets avec un « name »", source=source
        )
    return TableSchema(
        fields=fields,
        missing_values=tuple(schema_missing),
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        custom_checks=tuple(checks),
        descriptor=applied,
        warnings=tuple(warnings),
    )


def _parse_field(
    raw: Any, index: int, schema_missing: list[str], warnings: list[str], source: str
) -> Field:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise InvalidSchemaError(f"le champ n° {index} n'a pas de nom", source=source)
    name = raw["name"]
    where = f"champ « {name} »"
    type_ = raw.get("type", "string")
    if type_ not in FIELD_TYPES:
        raise InvalidSchemaError(
            f"{where} : type inconnu « {type_} » "
            f"(types valides : {', '.join(sorted(FIELD_TYPES))})",
            source=source,
        )
    constraints = raw.setdefault("constraints", {})
    if not isinstance(constraints, dict):
        raise InvalidSchemaError(f"{where} : « constraints » doit être un objet", source=source)
    if "required" in raw:
        constraints.setdefault("required", bool(raw.pop("required")))
        warnings.append(f"{where} : « required » déplacé dans « constraints »")
    unknown = sorted(set(constraints) - CONSTRAINTS)
    if unknown:
        raise InvalidSchemaError(
            f"{where} : contrainte(s) inconnue(s) {', '.join(unknown)}", source=source
        )
    if "pattern" in constraints and type_ != "string":
        del constraints["pattern"]
        warnings.append(
            f"{where} : contrainte « pattern » ignorée, elle ne s'applique qu'au type string "
            f"et le champ est de type {type_}"
        )
    format_ = raw.get("format", "default")
    if not isinstance(format_, str):
        raise InvalidSchemaError(f"{where} : « format » doit être un texte", source=source)
    if format_.startswith("fmt:"):
        format_ = raw["format"] = format_[4:]
        warnings.append(f"{where} : préfixe « fmt: » retiré du format")
    _check_format(type_, format_, where, source)
    if "pattern" in constraints:
        _check_regex(constraints["pattern"], where, source)
    if "enum" in constraints and (
        not isinstance(constraints["enum"], list) or not constraints["enum"]
    ):
        raise InvalidSchemaError(f"{where} : « enum » doit être une liste non vide", source=source)
    missing = raw.get("missingValues")
    number_keys = {"decimalChar", "groupChar", "bareNumber"}
    return Field(
        name=name,
        type=type_,
        format=format_,
        constraints=constraints,
        missing_values=tuple(
            _string_list(missing, "missingValues", source)
            if missing is not None
            else schema_missing
        ),
        decimal_char=str(raw.get("decimalChar", ".")),
        group_char=str(raw.get("groupChar", "")),
        bare_number=bool(raw.get("bareNumber", True)),
        number_options=bool(number_keys & set(raw)),
        true_values=tuple(
            _string_list(raw.get("trueValues", DEFAULT_TRUE_VALUES), "trueValues", source)
        ),
        false_values=tuple(
            _string_list(raw.get("falseValues", DEFAULT_FALSE_VALUES), "falseValues", source)
        ),
        title=str(raw.get("title") or ""),
        description=str(raw.get("description") or ""),
    )


def _check_format(type_: str, format_: str, where: str, source: str) -> None:
    allowed = {"string": STRING_FORMATS, "geopoint": GEOPOINT_FORMATS}.get(type_)
    if allowed is not None and format_ not in allowed:
        raise InvalidSchemaError(
            f"{where} : format « {format_} » inconnu pour le type {type_}", source=source
        )
    temporal = type_ in {"date", "time", "datetime"}
    if temporal and format_ not in {"default", "any"} and "%" not in format_:
        raise InvalidSchemaError(
            f"{where} : format de date « {format_} » invalide (attendu : default, any ou un "
            "motif strptime comme %d/%m/%Y)",
            source=source,
        )


def _check_regex(pattern: Any, where: str, source: str) -> None:
    if not isinstance(pattern, str):
        raise InvalidSchemaError(f"{where} : « pattern » doit être un texte", source=source)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise InvalidSchemaError(
            f"{where} : expression régulière invalide « {pattern} » ({exc})", source=source
        ) from exc


def _string_list(value: Any, key: str, source: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidSchemaError(f"« {key} » doit être une liste de textes", source=source)
    return list(value)


def _key(value: Any, names: list[str], key: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    columns = [value] if isinstance(value, str) else value
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise InvalidSchemaError(f"« {key} » doit être un nom de champ ou une liste", source=source)
    unknown = [c for c in columns if c not in names]
    if unknown:
        raise InvalidSchemaError(
            f"« {key} » nomme un champ absent du schéma : {', '.join(unknown)}", source=source
        )
    return tuple(columns)


def _foreign_key(raw: Any, names: list[str], source: str) -> ForeignKey:
    if not isinstance(raw, dict) or not isinstance(raw.get("reference"), dict):
        raise InvalidSchemaError(
            "une clé étrangère doit avoir « fields » et « reference »", source=source
        )
    columns = _key(raw.get("fields"), names, "foreignKeys.fields", source)
    reference = raw["reference"]
    target = reference.get("fields")
    target_fields = [target] if isinstance(target, str) else target
    if (
        not isinstance(target_fields, list)
        or len(target_fields) != len(columns)
        or not all(isinstance(c, str) for c in target_fields)
    ):
        raise InvalidSchemaError(
            "« foreignKeys.reference.fields » doit nommer autant de champs que « fields »",
            source=source,
        )
    return ForeignKey(
        fields=columns,
        resource=str(reference.get("resource") or ""),
        reference_fields=tuple(target_fields),
    )
