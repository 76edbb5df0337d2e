"""``socle anonymise`` and ``socle anonymisation show``: run a recipe, read its report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.errors import NotFoundError
from socle.governance.anonymisation import lineage
from socle.governance.anonymisation.run import run_recipe
from socle.governance.policy import ADMIN

anonymisation_app = typer.Typer(
    help="Rapports d'anonymisation des jeux dérivés.", no_args_is_help=True
)
AS_JSON = typer.Option("--json", help="Le rapport complet en JSON.")


@fails_cleanly
def anonymise(
    recipe: Annotated[
        Path, typer.Argument(help="Recette YAML ou JSON (voir docs/anonymisation.md).")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Mesurer sans rien écrire (k, ℓ, suppressions).")
    ] = False,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Anonymiser : dériver d'un jeu personnel un nouveau jeu partageable, selon une recette."""
    with instance() as inst:
        result = run_recipe(inst, ADMIN, recipe, dry_run=dry_run)
    if as_json:
        console.print_json(json.dumps(result.report, ensure_ascii=False))
        return
    print_report(result.report)
    if result.version is None:
        console.print("Essai (--dry-run) : rien n'a été écrit.")
    else:
        console.print(
            f"Version {result.version.number} écrite ({result.version.row_count} lignes).",
            highlight=False,
        )


@anonymisation_app.command("show")
@fails_cleanly
def show(
    dataset: Annotated[str, typer.Argument(help="Identifiant du jeu anonymisé.")],
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Afficher le rapport de l'anonymisation dont vient la dernière version d'un jeu."""
    with instance() as inst:
        view = lineage.latest_report(inst, ADMIN, dataset)
    if view is None:
        raise NotFoundError(f"« {dataset} » n'est la sortie d'aucune anonymisation")
    if as_json:
        console.print_json(json.dumps(view.as_dict(), ensure_ascii=False))
        return
    console.print(
        f"Version {view.version}, depuis la version {view.source_version} de « {view.source} »",
        highlight=False,
    )
    print_report(view.report)


def print_report(report: dict[str, Any]) -> None:
    """The measures, then the verdict and its reasons."""
    table = Table("Mesure", "Valeur", title="Rapport d'anonymisation")
    table.add_row("Lignes lues / produites", f"{report['rows_in']} / {report['rows_out']}")
    k = report.get("k_anonymity")
    if k:
        table.add_row("k demandé / atteint", f"{k['k']} / {k['k_achieved']}")
        table.add_row(
            "Lignes supprimées (k)", f"{k['rows_suppressed']} ({k['suppressed_share']:.1%})"
        )
    diversity = report.get("l_diversity")
    if diversity:
        wanted = diversity["l"] if diversity["l"] is not None else "—"
        table.add_row("ℓ demandé / minimal", f"{wanted} / {diversity['l_min']}")
    cells = report.get("aggregate")
    if cells:
        table.add_row(
            f"Cellules supprimées (< {cells['threshold']})",
            f"{cells['cells_suppressed']} sur {cells['cells']}",
        )
    console.print(table)
    if report["publishable"]:
        console.print("[green]Publiable[/] : tous les seuils déclarés sont atteints.")
        return
    console.print("[yellow]Non publiable[/] :", highlight=False)
    for reason in report["reasons"]:
        console.print(f"  - {reason}", highlight=False)
