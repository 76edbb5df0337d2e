"""``socle clean``: derive a cleaned version of a dataset from declared steps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.cli.ingest import print_version_summary
from socle.core.versions import clean_version
from socle.governance.policy import ADMIN


@fails_cleanly
def clean(
    dataset: Annotated[str, typer.Argument(help="Identifiant du jeu de données.")],
    steps: Annotated[
        Path, typer.Option("--steps", help="Fichier YAML des étapes (voir docs/cleaning.md).")
    ],
    version: Annotated[
        int | None, typer.Option(help="Version de départ (défaut : la dernière).")
    ] = None,
) -> None:
    """Mettre en qualité : appliquer des étapes de nettoyage et créer une nouvelle version."""
    with instance() as inst:
        created = clean_version(inst, ADMIN, dataset, steps, version)
    lineage = created.details["lineage"]
    log = Table("Étape", "Cellules modifiées", "Vidées", "Lignes retirées", title="Journal")
    for number, entry in enumerate(lineage["steps"], start=1):
        changed = ", ".join(f"{c} : {n}" for c, n in entry.get("changed", {}).items() if n)
        nulled = ", ".join(f"{c} : {n}" for c, n in entry.get("nulled", {}).items() if n)
        renamed = ", ".join(f"{a} → {b}" for a, b in entry.get("renamed", {}).items())
        log.add_row(
            f"{number}. {entry['step']}",
            changed or renamed or "—",
            nulled or "—",
            str(entry.get("rowsRemoved", 0)),
        )
    console.print(log)
    console.print(f"Depuis la version {lineage['source_version']} :", highlight=False)
    print_version_summary(dataset, created)
