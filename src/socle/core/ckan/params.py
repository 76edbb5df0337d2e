"""Reading an action's ``data_dict`` as CKAN's validators do, collecting every error.

Values come from a JSON body (typed) or a query string (text, lists for repeated keys), so
each reader accepts both forms. Errors are gathered per parameter and raised together by
:meth:`Params.check`, as CKAN's ``ValidationError`` lists them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from socle.core.ckan.errors import CkanValidationError

MAX_TEXT = 4000
MAX_INTEGER = 2**53  # past this, JSON clients lose precision anyway
TRUE = frozenset({"true", "1", "yes", "on", "y", "t"})
FALSE = frozenset({"false", "0", "no", "off", "n", "f", ""})
MISSING = "Valeur manquante"


class Params:
    """Typed access to a data_dict; problems accumulate in ``errors``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise CkanValidationError(self.errors)

    def given(self, key: str) -> bool:
        return self.data.get(key) not in (None, "")

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, MISSING)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, "Une chaîne de caractères est attendue")
            return None
        text = str(value)
        if len(text) > MAX_TEXT or "\x00" in text:
            self.fail(key, f"Texte invalide ou trop long ({MAX_TEXT} caractères au plus)")
            return None
        return text

    def integer(self, key: str, default: int, *, minimum: int | None = 0) -> int:
        """An integer (``minimum=0``: CKAN's natural number); ``default`` when absent."""
        value = self.data.get(key)
        if value is None or value == "":
            return default
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(value) if not isinstance(value, str) else int(value.strip())
        except (TypeError, ValueError, OverflowError):
            self.fail(key, "Entier invalide")
            return default
        if abs(number) > MAX_INTEGER:
            self.fail(key, "Entier trop grand")
            return default
        if minimum is not None and number < minimum:
            self.fail(key, "Doit être un entier positif ou nul")
            return default
        return number

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
            return value.strip().lower() in TRUE
        self.fail(key, "Booléen attendu (true ou false)")
        return default

    def json_value(self, key: str) -> Any:
        """The value, decoded when a query string carries it as JSON text."""
        value = self.data.get(key)
        if not isinstance(value, str):
            return value
        if len(value) > MAX_TEXT:
            self.fail(key, f"Texte trop long ({MAX_TEXT} caractères au plus)")
            return None
        try:
            return json.loads(value)
        except ValueError:
            self.fail(key, "JSON invalide")
            return None

    def strings(self, key: str, *, json_text: bool = False) -> list[str] | None:
        """A list of strings: a JSON list, or (``json_text=False``) comma-separated text."""
        value = self.json_value(key) if json_text else self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "Liste de chaînes attendue")
            return None
        if sum(len(v) for v in value) > MAX_TEXT:
            self.fail(key, f"Liste trop longue ({MAX_TEXT} caractères au plus)")
            return None
        return value
