"""``nomenclature-actes-value``: a matter of deliberation named as in the Actes nomenclature.

The value starts with one of the nomenclature's top-level categories, followed by ``/`` and
the sub-category (``Finances locales/Subventions``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socle.quality.checks import ValueCheck
from socle.sql import literal

CATEGORIES = (
    "Commande Publique",
    "Urbanisme",
    "Domaine et patrimoine",
    "Fonction publique",
    "Institutions et vie politique",
    "Libertés publiques et pouvoirs de police",
    "Finances locales",
    "Domaines de compétences par thèmes",
    "Autres domaines de compétences",
)


def outside_nomenclature(cell: str, params: Mapping[str, Any]) -> str:
    allowed = ", ".join(literal(c.lower()) for c in CATEGORIES)
    head = f"lower(trim(split_part({cell}, '/', 1)))"
    return f"NOT (contains({cell}, '/') AND {head} IN ({allowed}))"


CHECK = ValueCheck(
    name="nomenclature-actes-value",
    invalid=outside_nomenclature,
    message=lambda cell: (
        f"'La valeur `' || {cell} || '` ne suit pas la nomenclature Actes "
        f"(« catégorie/sous-catégorie », catégories : {', '.join(CATEGORIES)})'"
    ),
)
