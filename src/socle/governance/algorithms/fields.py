"""The fields of a register entry: Etalab's inventory guide, with what R311-3-1-2 asks.

Etalab's « fiche pratique » lists, per algorithm: the administration (here the owning
organization), its department, a contact and the update date; the algorithm's name, context,
purpose, how and when it takes part in the decision, the level of automation and the legal
basis; the decisions per year, their scope and the public concerned; the data processed, their
sources and how they are collected, the type of algorithm, its operations and related
resources. R311-3-1-2 CRPA adds, for an individual explanation, the parameters and their
weighting. A draft may be incomplete; publishing requires every ``required`` field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from socle.errors import InputError

# French labels of field names and coded values, shown by the portal (translated: babel.cfg),
# the CLI and the CSV export.
LABELS_FR: dict[str, str] = {
    "department": "Direction ou service porteur",
    "contact": "Contact",
    "name": "Nom de l'algorithme",
    "decision": "Décision administrative fondée sur l'algorithme",
    "context": "Contexte",
    "purpose": "Finalité",
    "decision_role": "Comment et quand l'algorithme intervient dans la décision",
    "automation": "Niveau d'automatisation",
    "legal_basis": "Fondements juridiques",
    "decisions_per_year": "Nombre de décisions par an",
    "decision_scope": "Portée de la décision",
    "public_concerned": "Public concerné",
    "data_processed": "Données traitées",
    "data_sources": "Sources des données",
    "collection_mode": "Mode de collecte des données",
    "kind": "Type d'algorithme",
    "operations": "Opérations effectuées",
    "parameters": "Paramètres et pondération",
    "source_code_url": "Code source",
    "documentation_url": "Documentation",
    "datasets": "Jeux de données traités",
    "processings": "Traitements du registre RGPD",
    "full": "Décision entièrement automatisée",
    "aid": "Aide à la décision (une personne décide)",
    "external": "Externe (usagers, entreprises, associations…)",
    "internal": "Interne à l'administration (agents…)",
    "rules": "Règles écrites par des personnes",
    "machine_learning": "Apprentissage automatique (machine learning)",
    "draft": "Brouillon",
    "published": "Publiée",
}

SHORT, TEXT, CHOICE, COUNT, URL, PARAMETERS = "short", "text", "choice", "count", "url", "params"
MAX_SHORT = 300
MAX_TEXT = 10_000
MAX_PARAMETERS = 50
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False  # to publish
    choices: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return LABELS_FR[self.name]


FIELDS: tuple[Field, ...] = (
    Field("department", SHORT, required=True),
    Field("contact", SHORT, required=True),
    Field("name", SHORT, required=True),
    Field("decision", TEXT, required=True),
    Field("context", TEXT),
    Field("purpose", TEXT, required=True),
    Field("decision_role", TEXT, required=True),
    Field("automation", CHOICE, required=True, choices=("full", "aid")),
    Field("legal_basis", TEXT, required=True),
    Field("decisions_per_year", COUNT),
    Field("decision_scope", CHOICE, choices=("external", "internal")),
    Field("public_concerned", TEXT, required=True),
    Field("data_processed", TEXT, required=True),
    Field("data_sources", TEXT, required=True),
    Field("collection_mode", TEXT),
    Field("kind", CHOICE, required=True, choices=("rules", "machine_learning")),
    Field("operations", TEXT, required=True),
    Field("parameters", PARAMETERS),
    Field("source_code_url", URL),
    Field("documentation_url", URL),
)
BY_NAME = {f.name: f for f in FIELDS}


def parse_content(values: dict[str, Any]) -> dict[str, Any]:
    """Checked values of the fields given (others untouched); every problem in one error."""
    unknown = sorted(set(values) - set(BY_NAME))
    if unknown:
        known = ", ".join(BY_NAME)
        raise InputError(f"Champ(s) inconnu(s) : {', '.join(unknown)} ; champs possibles : {known}")
    parsed: dict[str, Any] = {}
    problems: list[str] = []
    for name, raw in values.items():
        try:
            parsed[name] = _parse(BY_NAME[name], raw)
        except ValueError as exc:
            problems.append(f"{LABELS_FR[name]} : {exc}")
    if problems:
        raise InputError(" ; ".join(problems))
    return parsed


def missing_for_publication(content: dict[str, Any]) -> list[str]:
    """Labels of the required fields an entry still lacks."""
    return [f.label for f in FIELDS if f.required and content.get(f.name) in (None, "")]


def parse_parameter(text: str) -> dict[str, str]:
    """``"Quotient familial = 60 % = revenus divisés par le nombre de parts"`` -> a parameter
    (name, then optional weight and description, separated by ``=``)."""
    name, _, rest = text.partition("=")
    weight, _, description = rest.partition("=")
    return {"name": name.strip(), "weight": weight.strip(), "description": description.strip()}


def _parse(field: Field, raw: Any) -> Any:
    if field.kind == PARAMETERS:
        return _parameters(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field.name == "name":
            raise ValueError("ne peut pas être vide")
        return "" if field.kind in (SHORT, TEXT) else None
    if field.kind == COUNT:
        return _count(raw)
    if not isinstance(raw, str):
        raise ValueError("texte attendu")
    text = raw.strip()
    if field.kind == CHOICE:
        if text not in field.choices:
            raise ValueError(f"« {text} » inconnu ; valeurs possibles : {', '.join(field.choices)}")
        return text
    if field.kind == URL:
        if len(text) > 500 or not URL_PATTERN.match(text):
            raise ValueError(f"« {text[:80]} » n'est pas une adresse http(s) valide")
        return text
    limit = MAX_SHORT if field.kind == SHORT else MAX_TEXT
    if len(text) > limit:
        raise ValueError(f"{limit} caractères au plus")
    if field.kind == SHORT and "\n" in text:
        raise ValueError("une seule ligne attendue")
    return text


def _count(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("nombre entier attendu")
    text = str(raw).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not text.isdigit() or int(text) > 1_000_000_000:
        raise ValueError(f"« {raw} » n'est pas un nombre entier positif")
    return int(text)


def _parameters(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PARAMETERS:
        raise ValueError(f"liste d'au plus {MAX_PARAMETERS} paramètres attendue")
    parameters = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"name", "weight", "description"}:
            raise ValueError("chaque paramètre a un nom (name), un poids (weight), une description")
        values = {key: item.get(key) or "" for key in ("name", "weight", "description")}
        if not all(isinstance(v, str) for v in values.values()):
            raise ValueError("le nom, le poids et la description d'un paramètre sont des textes")
        name, weight, description = (values[k].strip() for k in ("name", "weight", "description"))
        if not name or len(name) > MAX_SHORT or len(weight) > MAX_SHORT:
            raise ValueError("chaque paramètre a un nom (300 caractères au plus)")
        if len(description) > MAX_TEXT:
            raise ValueError(f"description de paramètre : {MAX_TEXT} caractères au plus")
        parameters.append({"name": name, "weight": weight, "description": description})
    return parameters
