"""A version's quality score (0–100), explained by its parts.

Five parts, each 0–100, weighted: validity against the declared schema (35), completeness
of required fields (20), uniqueness of rows and key (15), freshness against the declared
update frequency (15), metadata completeness (15). A part that cannot be measured — no
schema declared, no frequency declared — is left out and the others are re-weighted, and the
part says why, so a score is never inflated or lowered by something nobody declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

WEIGHTS = {"validity": 35, "completeness": 20, "uniqueness": 15, "freshness": 15, "metadata": 15}
LABELS_FR = {
    "validity": "Conformité au schéma",
    "completeness": "Complétude",
    "uniqueness": "Unicité",
    "freshness": "Fraîcheur",
    "metadata": "Métadonnées",
}
# Days between two updates for each EU frequency; a version is fresh for one period and
# loses all freshness after STALE_PERIODS periods.
PERIOD_DAYS = {
    "CONT": 1 / 24,
    "HOURLY": 1 / 24,
    "DAILY": 1,
    "WEEKLY": 7,
    "BIWEEKLY": 14,
    "MONTHLY": 31,
    "BIMONTHLY": 62,
    "QUARTERLY": 92,
    "ANNUAL_2": 183,
    "ANNUAL": 366,
    "BIENNIAL": 731,
    "TRIENNIAL": 1096,
}
STALE_PERIODS = 3
METADATA_ITEMS = {
    "title": "titre",
    "description": "description",
    "licence": "licence",
    "contact": "point de contact",
    "frequency": "fréquence de mise à jour",
    "spatial": "couverture géographique",
    "temporal": "couverture temporelle",
}
MIN_DESCRIPTION = 30


@dataclass(frozen=True)
class DataFacts:
    """What a version's assessment measured about its rows (see core.quality)."""

    rows: int
    schema_errors: int | None  # None: no schema declared
    required_cells: int  # rows × fields considered for completeness
    missing_required_cells: int
    duplicate_rows: int
    duplicate_keys: int | None  # None: no key declared


@dataclass(frozen=True)
class MetadataFacts:
    slug: str
    title: str
    description: str
    licence: str
    contact: bool
    frequency: str | None
    spatial: bool
    temporal: bool


def score(data: DataFacts, metadata: MetadataFacts, landed: datetime, now: datetime) -> dict:
    """``{"score": 0–100, "parts": {name: {"score", "weight", "label", "detail"}}}``."""
    parts = {
        "validity": _validity(data),
        "completeness": _completeness(data),
        "uniqueness": _uniqueness(data),
        "freshness": _freshness(metadata.frequency, landed, now),
        "metadata": _metadata(metadata),
    }
    measured = {k: p for k, p in parts.items() if p["score"] is not None}
    total_weight = sum(WEIGHTS[k] for k in measured)
    overall = round(sum(p["score"] * WEIGHTS[k] for k, p in measured.items()) / total_weight)
    return {
        "score": overall,
        "parts": {k: {**p, "weight": WEIGHTS[k], "label": LABELS_FR[k]} for k, p in parts.items()},
    }


def _part(value: float | None, detail: str) -> dict[str, Any]:
    return {
        "score": None if value is None else round(max(0.0, min(100.0, value))),
        "detail": detail,
    }


def _n(number: int) -> str:
    """French digit grouping: 1 580 481."""
    return f"{number:,}".replace(",", "\u202f")


def _share_missing(bad: int, total: int) -> float:
    return 100.0 * (1 - min(bad, total) / total) if total else 100.0


def _validity(data: DataFacts) -> dict[str, Any]:
    if data.schema_errors is None:
        return _part(None, "aucun schéma déclaré : conformité non mesurée")
    return _part(
        _share_missing(data.schema_errors, max(data.rows, 1)),
        f"{_n(data.schema_errors)} erreur(s) de validation pour {_n(data.rows)} ligne(s)",
    )


def _completeness(data: DataFacts) -> dict[str, Any]:
    return _part(
        _share_missing(data.missing_required_cells, data.required_cells),
        f"{_n(data.missing_required_cells)} cellule(s) vide(s) sur {_n(data.required_cells)} "
        "attendue(s)",
    )


def _uniqueness(data: DataFacts) -> dict[str, Any]:
    duplicates = data.duplicate_rows + (data.duplicate_keys or 0)
    detail = f"{_n(data.duplicate_rows)} ligne(s) en double"
    if data.duplicate_keys is not None:
        detail += f", {_n(data.duplicate_keys)} clé(s) primaire(s) répétée(s)"
    return _part(_share_missing(duplicates, data.rows), detail)


def _freshness(frequency: str | None, landed: datetime, now: datetime) -> dict[str, Any]:
    period = PERIOD_DAYS.get(frequency or "")
    if period is None:
        return _part(None, "aucune fréquence de mise à jour déclarée : fraîcheur non mesurée")
    age_days = max(0.0, (now - landed).total_seconds() / 86400)
    late = max(0.0, age_days / period - 1)
    value = 100.0 * (1 - min(late, STALE_PERIODS - 1) / (STALE_PERIODS - 1))
    return _part(
        value,
        f"dernière version il y a {age_days:.0f} jour(s), attendue tous les {period:g} jour(s)",
    )


def _metadata(facts: MetadataFacts) -> dict[str, Any]:
    present = {
        "title": bool(facts.title.strip()) and facts.title != facts.slug,
        "description": len(facts.description.strip()) >= MIN_DESCRIPTION,
        "licence": facts.licence not in {"", "notspecified"},
        "contact": facts.contact,
        "frequency": facts.frequency is not None,
        "spatial": facts.spatial,
        "temporal": facts.temporal,
    }
    missing = [METADATA_ITEMS[k] for k, ok in present.items() if not ok]
    detail = "complètes" if not missing else "manquent : " + ", ".join(missing)
    return _part(100.0 * sum(present.values()) / len(present), detail)
