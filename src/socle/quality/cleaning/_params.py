"""Parameter kinds shared by the steps, and the check of a declared step's parameters.

Values come from YAML read with every scalar kept as text (see ``parse_steps``) or from
JSON: each kind accepts both and returns one normalised Python value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socle.quality.cleaning._model import Kind, Param


def _text(value: Any) -> str:
    """A scalar as text; JSON's ``true`` is ``"true"``, as YAML read as text gives it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ValueError("texte attendu")


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    try:
        if not items:
            raise ValueError
        return [_text(v) for v in items]
    except ValueError:
        raise ValueError("texte ou liste de textes attendu") from None


def _columns(value: Any) -> list[str]:
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError("nom de colonne ou liste de noms de colonnes attendu")
    if len(set(names)) != len(names):
        raise ValueError("une colonne est nommée deux fois")
    return list(names)


def _column(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("un nom de colonne attendu")
    return value


def _mapping(value: Any) -> dict[str, str | None]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError("correspondances attendues, sous la forme {ancien: nouveau}")
    try:
        return {_text(k): None if v is None else _text(v) for k, v in value.items()}
    except ValueError:
        raise ValueError("chaque correspondance doit associer un texte à un texte") from None


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _on_error(value: Any) -> str | None:
    if value is None or value == "null":
        return None
    if value == "fail":
        return "fail"
    raise ValueError("« null » (vider les valeurs non converties) ou « fail » attendu")


def _field_names(value: Any) -> list[str]:
    fields = value.get("fields") if isinstance(value, Mapping) else value
    if not isinstance(fields, list) or not fields:
        raise ValueError("un Table Schema (avec « fields ») ou une liste de champs attendu")
    names = [f.get("name") if isinstance(f, Mapping) else f for f in fields]
    if not all(isinstance(n, str) and n for n in names):
        raise ValueError("chaque champ doit avoir un nom")
    return [str(n) for n in names]


def integer(minimum: int, maximum: int) -> Kind:
    def check(value: Any) -> int:
        text = _text(value)
        if not text.isdigit() or not minimum <= int(text) <= maximum:
            raise ValueError(f"entier de {minimum} à {maximum} attendu")
        return int(text)

    return Kind(f"entier de {minimum} à {maximum}", check)


def choice(*allowed: str) -> Kind:
    def check(value: Any) -> str:
        text = _text(value)
        if text not in allowed:
            raise ValueError(f"une valeur parmi {', '.join(allowed)} attendue")
        return text

    return Kind(" | ".join(allowed), check)


TEXT = Kind("texte", _text)
OPTIONAL_TEXT = Kind("texte ou null", _optional_text)
TEXTS = Kind("texte ou liste de textes", _texts)
COLUMN = Kind("nom de colonne", _column)
COLUMNS = Kind("colonne ou liste de colonnes", _columns)
MAPPING = Kind("correspondances {ancien: nouveau}", _mapping)
FIELD_NAMES = Kind("Table Schema ou liste de champs", _field_names)

ON_ERROR = Param(
    Kind("null | fail", _on_error),
    "« null » : une valeur non convertie devient vide et est comptée dans le journal ; "
    "sans ce paramètre (ou « fail »), l'étape échoue et cite les valeurs en cause",
)


def checked_params(declared: Mapping[str, Param], given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` validated against ``declared``; ``ValueError`` names the parameter."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        accepted = ", ".join(declared) or "aucun"
        raise ValueError(f"paramètre « {unknown[0]} » inconnu ; paramètres acceptés : {accepted}")
    out: dict[str, Any] = {}
    for name, param in declared.items():
        if name not in given:
            if param.required:
                raise ValueError(f"paramètre « {name} » manquant ({param.kind.label_fr})")
            continue
        try:
            out[name] = param.kind.check(given[name])
        except ValueError as exc:
            raise ValueError(f"paramètre « {name} » : {exc}") from None
    return out
