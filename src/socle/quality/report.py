"""Validation reports in frictionless's shape, with French messages as Validata gives them.

Existing tools (frictionless, Validata's front end, CKAN's ckanext-validation) read
``{"valid", "stats", "warnings", "errors", "tasks": [{"valid", "stats", "labels",
"warnings", "errors": [...]}]}`` with errors carrying ``type``, ``title``, ``tags``,
``note``, ``message`` and, when they apply, ``rowNumber``, ``fieldName``, ``fieldNumber`` and
``cell``. ``note`` is frictionless's own English note; ``message`` is French. Stored reports
keep at most ``cap`` errors of each type; ``stats.errors`` and ``socle.counts`` count all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from socle.quality.schema import Field

DEFAULT_CAP = 100

TITLES: dict[str, str] = {
    "type-error": "Type incorrect",
    "constraint-error": "Contrainte non respectée",
    "unique-error": "Valeur en double",
    "primary-key": "Clé primaire en double ou vide",
    "foreign-key": "Référence introuvable",
    "blank-row": "Ligne vide",
    "duplicate-row": "Ligne en double",
    "missing-cell": "Cellule manquante",
    "extra-cell": "Cellule surnuméraire",
    "missing-label": "Colonne obligatoire manquante",
    "duplicate-label": "Colonne en double",
    "blank-label": "En-tête vide",
}
TAGS: dict[str, list[str]] = {
    "missing-label": ["#table", "#header", "#label"],
    "duplicate-label": ["#table", "#header", "#label"],
    "blank-label": ["#table", "#header", "#label"],
    "blank-row": ["#table", "#row"],
    "duplicate-row": ["#table", "#row"],
    "primary-key": ["#table", "#row"],
    "foreign-key": ["#table", "#row"],
}
CELL_TAGS = ["#table", "#row", "#cell"]
TEMPORAL_SHAPES = {
    "date": "La date doit être écrite sous la forme `aaaa-mm-jj`",
    "datetime": "La date et l'heure doivent être écrites sous la forme `aaaa-mm-jjThh:mm:ss`",
    "time": "L'heure doit être écrite sous la forme `hh:mm:ss`",
}


@dataclass(frozen=True)
class Finding:
    """One error as the checks produce it (before capping and wording)."""

    type: str
    row: int | None = None
    field_number: int | None = None
    field_name: str = ""
    cell: str | None = None
    note: str = ""
    # Custom checks and some structural errors give their own French message.
    message: str = ""


@dataclass
class Report:
    """The outcome of validating one table."""

    name: str
    labels: list[str]
    rows: int
    fields: int
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    counts_by_field: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    cap: int = DEFAULT_CAP
    schema: str = ""

    @property
    def error_count(self) -> int:
        return sum(self.counts.values())

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def to_dict(self) -> dict[str, Any]:
        stats = {
            "errors": self.error_count,
            "warnings": len(self.warnings),
            "seconds": round(self.seconds, 3),
        }
        task = {
            "name": self.name,
            "type": "table",
            "valid": self.valid,
            "place": self.name,
            "labels": self.labels,
            "stats": {**stats, "fields": self.fields, "rows": self.rows},
            "warnings": self.warnings,
            "errors": self.errors,
        }
        return {
            "valid": self.valid,
            "stats": {**stats, "tasks": 1},
            "warnings": [],
            "errors": [],
            "tasks": [task],
            "socle": {
                "schema": self.schema,
                "counts": self.counts,
                "countsByField": self.counts_by_field,
                "capPerType": self.cap,
                "capped": any(n > self.cap for n in self.counts.values()),
            },
        }


def error_dict(finding: Finding, fields: dict[str, Field]) -> dict[str, Any]:
    """The frictionless-shaped error for ``finding``, worded in French."""
    out: dict[str, Any] = {
        "type": finding.type,
        "title": TITLES.get(finding.type, finding.type),
        "message": finding.message or message(finding, fields.get(finding.field_name)),
        "tags": TAGS.get(finding.type, CELL_TAGS),
        "note": finding.note,
    }
    if finding.row is not None:
        out["rowNumber"] = finding.row
    if finding.field_name or finding.field_number is not None:
        out["fieldName"] = finding.field_name
        out["fieldNumber"] = finding.field_number
    if finding.cell is not None:
        out["cell"] = finding.cell
    return out


def message(finding: Finding, fld: Field | None) -> str:
    kind, cell, name = finding.type, finding.cell or "", finding.field_name
    if kind == "type-error" and fld is not None:
        return type_message(fld, cell)
    if kind == "constraint-error" and fld is not None:
        return constraint_message(fld, finding.note, cell)
    fixed = {
        "blank-row": "Ligne vide : retirez-la du fichier",
        "missing-cell": "Cellule manquante : la ligne a moins de valeurs que l'en-tête "
        "n'a de colonnes",
        "extra-cell": f"Cellule surnuméraire `{cell}` : la ligne a plus de valeurs que l'en-tête "
        "n'a de colonnes",
        "missing-label": f"La colonne obligatoire `{name}` est manquante",
        "duplicate-label": f"La colonne `{name}` apparaît plusieurs fois dans l'en-tête",
        "blank-label": f"L'en-tête de la colonne n° {finding.field_number} est vide",
        "unique-error": f"La valeur `{cell}` doit être unique dans la colonne ({finding.note})",
        "duplicate-row": f"Ligne identique à une ligne précédente ({finding.note})",
        "primary-key": f"Clé primaire vide ou en double ({finding.note})",
        "foreign-key": f"Valeur introuvable dans les données de référence ({finding.note})",
    }
    return fixed.get(kind, finding.note)


def type_message(fld: Field, cell: str) -> str:
    if fld.type in TEMPORAL_SHAPES:
        if fld.format not in {"default", "any"}:
            return f"La valeur `{cell}` doit être écrite au format `{fld.format}`"
        return f"{TEMPORAL_SHAPES[fld.type]} (valeur : `{cell}`)"
    if fld.type == "integer":
        return f"La valeur `{cell}` n'est pas un nombre entier"
    if fld.type == "number":
        mark = (
            f" (séparateur décimal attendu : `{fld.decimal_char}`)"
            if fld.decimal_char != "."
            else ""
        )
        return f"La valeur `{cell}` n'est pas un nombre{mark}"
    if fld.type == "boolean":
        allowed = ", ".join([*fld.true_values, *fld.false_values])
        return f"La valeur `{cell}` n'est pas un booléen (valeurs acceptées : {allowed})"
    if fld.type == "year":
        return f"L'année doit être écrite sur quatre chiffres `aaaa` (valeur : `{cell}`)"
    if fld.type == "yearmonth":
        return f"L'année et le mois doivent être écrits sous la forme `aaaa-mm` (valeur : `{cell}`)"
    if fld.type == "geopoint":
        return f"Les coordonnées `{cell}` doivent être écrites `longitude,latitude` en degrés"
    if fld.type == "string":
        what = {"email": "une adresse e-mail", "uri": "une adresse web (URI)", "uuid": "un UUID"}
        return (
            f"La valeur `{cell}` n'est pas {what.get(fld.format, 'un texte ' + fld.format)} valide"
        )
    return f"La valeur `{cell}` n'est pas du type {fld.type} attendu"


def constraint_message(fld: Field, note: str, cell: str) -> str:
    constraints = fld.constraints
    if '"required"' in note:
        return "Cette cellule est obligatoire : elle ne doit pas être vide"
    for name, text in (
        ("minLength", "La valeur `{cell}` doit faire au moins {v} caractères"),
        ("maxLength", "La valeur `{cell}` doit faire au plus {v} caractères"),
        ("exclusiveMinimum", "La valeur `{cell}` doit être strictement supérieure à {v}"),
        ("exclusiveMaximum", "La valeur `{cell}` doit être strictement inférieure à {v}"),
        ("minimum", "La valeur `{cell}` doit être supérieure ou égale à {v}"),
        ("maximum", "La valeur `{cell}` doit être inférieure ou égale à {v}"),
        ("pattern", "La valeur `{cell}` ne respecte pas le motif attendu `{v}`"),
    ):
        if f'"{name}"' in note:
            return text.format(cell=cell, v=constraints.get(name))
    if '"enum"' in note:
        allowed = ", ".join(str(v) for v in constraints.get("enum", []))
        return f"La valeur `{cell}` n'est pas autorisée ; valeurs acceptées : {allowed}"
    return note
