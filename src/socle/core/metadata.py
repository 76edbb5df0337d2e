"""Validated catalog metadata, as given by a user through the CLI, the API or a manifest.

Every field is optional so the same model serves creation and partial updates; ``None``
means "leave as is". Vocabularies are checked here, once, for every entry point.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from socle.core.vocabularies import FREQUENCIES, LICENCES, THEMES, AccessLevel
from socle.errors import InputError
from socle.governance.retention.rules import RetentionRule

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def check_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise InputError(
            f"Identifiant « {slug} » invalide : lettres minuscules sans accent, chiffres et "
            "tirets, 100 caractères au plus (ex. comptages-velos)"
        )
    return slug


class DatasetMetadata(BaseModel):
    """DCAT-AP-aligned fields a user may set on a dataset."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    themes: list[str] | None = None
    keywords: list[str] | None = None
    licence: str | None = None
    access: AccessLevel | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    spatial: list[str] | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    frequency: str | None = None
    conforms_to: str | None = None
    primary_key: list[str] | None = None
    personal_data: bool | None = None
    # How long the data is kept (governance.retention, docs/retention.md).
    retention: RetentionRule | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("le titre ne peut pas être vide")
        return value.strip() if value else value

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        codes = [v.strip().upper() for v in value if v.strip()]
        unknown = [c for c in codes if c not in THEMES]
        if unknown:
            raise ValueError(f"thème(s) inconnu(s) {unknown} ; attendus : {sorted(THEMES)}")
        return codes

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))

    @field_validator("licence")
    @classmethod
    def _licence(cls, value: str | None) -> str | None:
        if value is not None and value not in LICENCES:
            raise ValueError(f"licence inconnue « {value} » ; attendues : {sorted(LICENCES)}")
        return value

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in FREQUENCIES:
            raise ValueError(f"fréquence inconnue « {value} » ; attendues : {sorted(FREQUENCIES)}")
        return value.upper() if value else value

    @field_validator("spatial")
    @classmethod
    def _spatial(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        codes = [v.strip().upper() for v in value if v.strip()]
        bad = [c for c in codes if not INSEE.fullmatch(c)]
        if bad:
            raise ValueError(f"code(s) INSEE invalide(s) {bad}")
        return codes

    def changes(self) -> dict[str, Any]:
        """Only the fields the user set."""
        return self.model_dump(exclude_unset=True)


def parse_metadata(**values: Any) -> DatasetMetadata:
    """Build metadata from loose values (CLI options, JSON body); errors become InputError."""
    try:
        return DatasetMetadata(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])} : {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise InputError(f"Métadonnées invalides : {problems}") from exc
