"""The demo's anonymised dataset: the crèche applications (personal, restricted) counted by
commune of residence and decision, small counts suppressed (statistical secrecy), published
in open data. The recipe pseudonymises nothing, so the demo needs no secret key.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy import select

from socle.governance.anonymisation.run import run_recipe
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.storage.tables import Dataset

OUTPUT = "demandes-places-creche-par-commune"
RECIPE = {
    "source": {"dataset": "demandes-places-creche"},
    "output": {
        "dataset": OUTPUT,
        "title": "Demandes de place en crèche par commune",
        "description": (
            "Nombre de demandes de place en crèche reçues en 2023-2024, par commune de "
            "résidence de la famille et décision de la commission d'attribution. Agrégat "
            "anonymisé des demandes individuelles : les effectifs inférieurs à 11 sont "
            "masqués (secret statistique)."
        ),
        "access": "public",
    },
    "aggregate": {
        "group_by": ["code_insee_residence", "commune_residence", "decision"],
        "count": "demandes",
    },
}


def load_anonymised(instance: Instance) -> bool:
    """Run the recipe unless its output exists; whether it ran."""
    with instance.db.session() as session:
        if session.scalar(select(Dataset.id).where(Dataset.slug == OUTPUT)):
            return False
    with tempfile.TemporaryDirectory(prefix="socle-demo-") as tmp:
        recipe = Path(tmp) / "recette.json"
        recipe.write_text(json.dumps(RECIPE, ensure_ascii=False), encoding="utf-8")
        run_recipe(instance, ADMIN, recipe)
    return True
