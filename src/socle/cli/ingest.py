"""``socle ingest``: add a version to a dataset from a file, creating the dataset if needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance, split_list
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.ingest.base import ReadOptions
from socle.storage.tables import Version


@fails_cleanly
def ingest(
    path: Annotated[
        Path,
        typer.Argument(
            help="Fichier à charger (CSV, XLSX, ODS, JSON, GeoJSON, Parquet ; .gz ou .zip)."
        ),
    ],
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="Identifiant du jeu de données.")],
    title: Annotated[str | None, typer.Option(help="Titre (à la création).")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation productrice (identifiant).")] = None,
    description: Annotated[str | None, typer.Option(help="Description (Markdown).")] = None,
    licence: Annotated[str | None, typer.Option(help="Licence : lov2, odc-odbl...")] = None,
    access: Annotated[
        str | None,
        typer.Option(
            help="Niveau d'accès : public, partners, internal, restricted (défaut : internal)."
        ),
    ] = None,
    themes: Annotated[
        str | None, typer.Option(help="Thèmes UE séparés par des virgules (TRAN, ENVI...).")
    ] = None,
    keywords: Annotated[
        str | None, typer.Option(help="Mots-clés séparés par des virgules.")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Feuille à lire (XLSX/ODS) ; défaut : la première.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Forcer l'encodage (utf-8, cp1252...).")
    ] = None,
    delimiter: Annotated[str | None, typer.Option(help="Forcer le séparateur CSV.")] = None,
    schema: Annotated[
        str | None,
        typer.Option(help="Schéma du registre suivi (nom ou nom@version) ; valide la version."),
    ] = None,
) -> None:
    """Charger un fichier comme nouvelle version d'un jeu de données."""
    metadata = parse_metadata(
        title=title,
        description=description,
        licence=licence,
        access=access,
        themes=split_list(themes),
        keywords=split_list(keywords),
    )
    options = ReadOptions(sheet=sheet, encoding=encoding, delimiter=delimiter)
    size = path.stat().st_size if path.is_file() else 0
    with (
        instance() as inst,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=size < 5_000_000,
        ) as bar,
    ):
        task = bar.add_task(f"Lecture de {path.name}", total=size or None)
        version = add_version(
            inst,
            ADMIN,
            path,
            dataset,
            organization=org,
            metadata=metadata,
            options=options,
            progress=lambda done: bar.update(task, completed=done),
            schema=schema,
        )
    print_version_summary(dataset, version)


def print_version_summary(slug: str, version: Version) -> None:
    console.print(
        f"[bold green]Version {version.number}[/] de « {slug} » : "
        f"{version.row_count:,} lignes ({version.format})".replace(",", "\u202f")
    )
    table = Table("Colonne", "Type", box=None)
    for f in version.table_schema.get("fields", []):
        table.add_row(f["name"], f.get("type", "string"))
    console.print(table)
    for warning in version.warnings:
        console.print(f"[yellow]Avertissement :[/] {warning}", highlight=False)
    print_quality_summary(version.quality)


def print_quality_summary(summary: dict) -> None:
    """Score, validity against the pinned schema, or drift from the previous version."""
    if summary.get("score"):
        console.print(f"Score de qualité : [bold]{summary['score']['score']}/100[/]")
    declared = summary.get("schema")
    if declared:
        ref = f"{declared['name']}@{declared['version']}"
        if summary["valid"]:
            console.print(f"[green]Conforme[/] au schéma {ref}", highlight=False)
        else:
            counts = ", ".join(f"{k} : {n}" for k, n in summary.get("errorCounts", {}).items())
            console.print(
                f"[red]Non conforme[/] au schéma {ref} : {summary['errors']} erreur(s) ({counts})",
                highlight=False,
            )
    drift = summary.get("drift") or {}
    for label, key in (("ajoutée(s)", "added"), ("supprimée(s)", "removed")):
        if drift.get(key):
            console.print(
                f"[yellow]Dérive du schéma :[/] colonne(s) {label} : {', '.join(drift[key])}",
                highlight=False,
            )
    for name, change in (drift.get("retyped") or {}).items():
        console.print(
            f"[yellow]Dérive du schéma :[/] {name} : {change['before']} → {change['after']}",
            highlight=False,
        )
