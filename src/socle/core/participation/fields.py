"""Checking what a visitor typed: every problem is collected, per field, in French.

A form shows all its problems at once, so checks add to a :class:`Problems` instead of
raising at the first one; :meth:`Problems.raise_if_any` ends the parsing.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from socle.errors import InputError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_URL = 500
MAX_EMAIL = 254


class ContributionError(InputError):
    """A contribution refused for one or more fields; ``fields`` maps each to its problem."""

    type_slug = "invalid-contribution"

    def __init__(self, fields: dict[str, str]) -> None:
        summary = " ; ".join(fields.values())
        super().__init__(summary, errors=fields)
        self.fields = fields


class Problems:
    """The problems found so far in one form, by field name."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ContributionError(self.fields)

    def text(
        self,
        field: str,
        value: str | None,
        label: str,
        max_length: int,
        *,
        required: bool = True,
        multiline: bool = False,
    ) -> str:
        """The value stripped; empty, too long or holding control characters is a problem."""
        text = (value or "").strip().replace("\r\n", "\n")
        if not text:
            if required:
                self.add(field, f"{label} : ce champ est obligatoire")
            return ""
        if len(text) > max_length:
            self.add(field, f"{label} : {max_length} caractères au plus ({len(text)} reçus)")
        allowed = "\n\t" if multiline else ""
        if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
            self.add(field, f"{label} : caractères de contrôle refusés")
        return text

    def url(self, field: str, value: str | None, label: str) -> str:
        """An absolute http(s) link: the only links a contribution may carry."""
        url = self.text(field, value, label, MAX_URL)
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
                self.add(field, f"{label} : adresse web attendue, commençant par https://")
        return url

    def email(self, field: str, value: str | None, label: str) -> str | None:
        email = self.text(field, value, label, MAX_EMAIL, required=False)
        if email and not EMAIL.fullmatch(email):
            self.add(field, f"{label} : adresse électronique invalide (ex. nom@exemple.fr)")
        return email or None
