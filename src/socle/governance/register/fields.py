"""What a user may write on a processing activity, validated once for the CLI, the API and
the portal. Every field is optional: ``None`` (or absent) leaves it as it is."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from socle.errors import InputError
from socle.governance.register.dpia import CNIL_MANDATORY_TYPES, EDPB_CRITERIA, check_codes
from socle.governance.register.vocabularies import (
    ALL_CATEGORIES,
    LEGAL_BASES,
    SECURITY_MEASURES,
    TRANSFER_SAFEGUARDS,
)

Text = Field(default="", max_length=5000)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DataCategory(_Strict):
    """One category of personal data, with its own erasure time limit (CNIL template)."""

    category: str
    description: str = Text
    retention: str = Field(default="", max_length=500)

    @field_validator("category")
    @classmethod
    def _known(cls, value: str) -> str:
        return _vocabulary(value, ALL_CATEGORIES, "catégorie de données")


class Processor(_Strict):
    """A processor (sous-traitant, délégataire) and what it does."""

    name: str = Field(min_length=1, max_length=300)
    detail: str = Text


class Transfer(_Strict):
    """A transfer outside the European Union and its safeguard."""

    recipient: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=1, max_length=100)
    safeguard: str
    documentation: str = Field(default="", max_length=1000)

    @field_validator("safeguard")
    @classmethod
    def _known(cls, value: str) -> str:
        return _vocabulary(value, TRANSFER_SAFEGUARDS, "garantie de transfert")


class ActionItem(_Strict):
    """One measure of the DPIA's action plan."""

    action: str = Field(min_length=1, max_length=1000)
    owner: str = Field(default="", max_length=300)
    due: date | None = None
    done: bool = False


class ActivityFields(_Strict):
    """The Art. 30 fields of a processing activity, and its DPIA."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    reference: str | None = Field(default=None, max_length=50)
    service: str | None = Field(default=None, max_length=300)
    contact_name: str | None = Field(default=None, max_length=300)
    contact_email: str | None = Field(default=None, max_length=300)
    joint_controllers: str | None = Field(default=None, max_length=5000)
    purpose: str | None = Field(default=None, max_length=5000)
    sub_purposes: list[str] | None = None
    legal_basis: str | None = None
    legal_basis_detail: str | None = Field(default=None, max_length=5000)
    data_subjects: list[str] | None = None
    data_categories: list[DataCategory] | None = None
    sources: list[str] | None = None
    recipients: list[str] | None = None
    processors: list[Processor] | None = None
    transfers: list[Transfer] | None = None
    security_measures: dict[str, str] | None = None
    dpia_criteria: list[str] | None = None
    dpia_cnil_types: list[str] | None = None
    dpia_opinion: str | None = Field(default=None, max_length=20000)
    dpia_opinion_date: date | None = None
    dpia_action_plan: list[ActionItem] | None = None

    @field_validator("sub_purposes", "data_subjects", "sources", "recipients")
    @classmethod
    def _lines(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        return list(dict.fromkeys(v.strip()[:500] for v in value if v.strip()))

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not EMAIL.fullmatch(value):
            raise ValueError(f"adresse électronique invalide « {value} »")
        return value

    @field_validator("legal_basis")
    @classmethod
    def _basis(cls, value: str | None) -> str | None:
        return _vocabulary(value, LEGAL_BASES, "base légale") if value else None

    @field_validator("security_measures")
    @classmethod
    def _measures(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        for key in value:
            _vocabulary(key, SECURITY_MEASURES, "mesure de sécurité")
        return {k: value[k].strip() for k in SECURITY_MEASURES if value.get(k, "").strip()}

    @field_validator("dpia_criteria")
    @classmethod
    def _criteria(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_codes(value, EDPB_CRITERIA, "critère du CEPD")

    @field_validator("dpia_cnil_types")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        return check_codes(value, CNIL_MANDATORY_TYPES, "type de traitement CNIL")

    def changes(self) -> dict[str, Any]:
        """Only the fields the user set, as stored: JSON-ready lists and dicts (nested
        defaults filled in), the opinion's date as a date."""
        dumped = self.model_dump(mode="json")
        changes = {name: dumped[name] for name in self.model_fields_set}
        if "dpia_opinion_date" in changes:
            changes["dpia_opinion_date"] = self.dpia_opinion_date
        return changes


def parse_fields(values: dict[str, Any]) -> ActivityFields:
    """Validate loose values (CLI options, JSON body, form); errors become one InputError."""
    try:
        return ActivityFields(**values)
    except ValidationError as exc:
        raise InputError(f"Fiche de traitement invalide : {french(exc)}") from exc
    except InputError as exc:
        raise InputError(f"Fiche de traitement invalide : {exc.message}") from exc


# Pydantic's error types, said in French (the others keep pydantic's message).
MESSAGES = {
    "string_too_short": "ne peut pas être vide",
    "string_too_long": "{max_length} caractères au plus",
    "missing": "champ obligatoire",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "bool_parsing": "oui ou non attendu (true/false)",
    "bool_type": "oui ou non attendu (true/false)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
}


def french(exc: ValidationError) -> str:
    """Every problem of a validation error, with where it is, in French."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "fiche"
        template = MESSAGES.get(error["type"])
        message = (
            template.format(**error.get("ctx", {}))
            if template
            else error["msg"].removeprefix("Value error, ")
        )
        problems.append(f"{where} : {message}")
    return "; ".join(problems)


def _vocabulary(value: str, vocabulary: dict[str, str], what: str) -> str:
    if value not in vocabulary:
        raise ValueError(f"{what} inconnue « {value} » ; attendues : {', '.join(vocabulary)}")
    return value
