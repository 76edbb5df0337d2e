"""The processing activity form of the portal: from the submitted fields to the values
governance.register.fields validates, and from an activity back to the form's values.

Lists are one item per line; each data category of the CNIL template is a row (ticked, its
description, its erasure time limit); transfers and the action plan have one row per item
plus an empty one to add another.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from starlette.datastructures import FormData

from socle.governance.register.dpia import CNIL_MANDATORY_TYPES, EDPB_CRITERIA
from socle.governance.register.vocabularies import ALL_CATEGORIES, SECURITY_MEASURES
from socle.storage.register import ProcessingActivity

TEXTS = ("name", "reference", "service", "contact_name", "contact_email", "joint_controllers",
         "purpose", "legal_basis_detail")  # fmt: skip
LINES = ("sub_purposes", "data_subjects", "sources", "recipients")
MAX_ROWS = 50


def form_values(form: FormData, *, dpo: bool) -> dict[str, Any]:
    """The fields a submitted form sets; the DPO's opinion only when ``dpo`` may give it."""
    text = {name: _get(form, name) for name in TEXTS}
    values: dict[str, Any] = {**text, "contact_email": text["contact_email"] or None}
    values["legal_basis"] = _get(form, "legal_basis") or None
    for name in LINES:
        values[name] = _lines(form, name)
    values["data_categories"] = [
        {
            "category": code,
            "description": _get(form, f"categorie-{code}-description"),
            "retention": _get(form, f"categorie-{code}-delai"),
        }
        for code in ALL_CATEGORIES
        if form.get(f"categorie-{code}")
    ]
    values["processors"] = [
        {"name": name.strip(), "detail": detail.strip()}
        for name, _, detail in (line.partition(":") for line in _lines(form, "processors"))
    ]
    values["transfers"] = [
        {
            "recipient": _get(form, f"transfert-{i}-destinataire"),
            "country": _get(form, f"transfert-{i}-pays"),
            "safeguard": _get(form, f"transfert-{i}-garantie"),
            "documentation": _get(form, f"transfert-{i}-documentation"),
        }
        for i in range(MAX_ROWS)
        if _get(form, f"transfert-{i}-destinataire") or _get(form, f"transfert-{i}-pays")
    ]
    values["security_measures"] = {
        code: _get(form, f"mesure-{code}")
        for code in SECURITY_MEASURES
        if _get(form, f"mesure-{code}")
    }
    values["dpia_criteria"] = [c for c in EDPB_CRITERIA if form.get(f"critere-{c}")]
    values["dpia_cnil_types"] = [t for t in CNIL_MANDATORY_TYPES if form.get(f"type-{t}")]
    values["dpia_action_plan"] = [
        {
            "action": _get(form, f"action-{i}-mesure"),
            "owner": _get(form, f"action-{i}-responsable"),
            "due": _get(form, f"action-{i}-echeance") or None,
            "done": bool(form.get(f"action-{i}-faite")),
        }
        for i in range(MAX_ROWS)
        if _get(form, f"action-{i}-mesure")
    ]
    if dpo:
        values["dpia_opinion"] = _get(form, "dpia_opinion")
        values["dpia_opinion_date"] = _get(form, "dpia_opinion_date") or None
    return values


def activity_values(activity: ProcessingActivity) -> dict[str, Any]:
    """What the edit form shows for a stored activity (the same shape as form_values)."""
    values: dict[str, Any] = {name: getattr(activity, name) for name in (*TEXTS, *LINES)}
    values.update(
        legal_basis=activity.legal_basis,
        data_categories=activity.data_categories,
        processors=activity.processors,
        transfers=activity.transfers,
        security_measures=activity.security_measures,
        dpia_criteria=activity.dpia_criteria,
        dpia_cnil_types=activity.dpia_cnil_types,
        dpia_action_plan=activity.dpia_action_plan,
        dpia_opinion=activity.dpia_opinion,
        dpia_opinion_date=activity.dpia_opinion_date.isoformat()
        if activity.dpia_opinion_date
        else "",
    )
    return values


def slugify(name: str) -> str:
    """``Aides sociales (CCAS)`` -> ``aides-sociales-ccas``: an identifier from a name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:100].strip("-")


def _get(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _lines(form: FormData, name: str) -> list[str]:
    return [line for line in _get(form, name).splitlines() if line.strip()]
