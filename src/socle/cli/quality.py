"""``socle validate``: check a file against a Table Schema, like ``frictionless validate``."""

from __future__ import annotations

import json
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.config import load_settings
from socle.core.schemas import get_schema, table_schema
from socle.ingest.base import ReadOptions
from socle.ingest.remote import copy_or_download, is_url
from socle.quality.report import DEFAULT_CAP, Report
from socle.quality.schema import TableSchema, read_schema_file
from socle.quality.validate import validate_file


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@fails_cleanly
def validate(
    source: Annotated[
        str, typer.Argument(help="Fichier (CSV, XLSX, ODS, JSON...) ou URL à valider.")
    ],
    schema: Annotated[
        str,
        typer.Option(
            "--schema",
            "-s",
            help="Table Schema : fichier, URL ou schéma du registre (nom@version).",
        ),
    ],
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="text (lisible) ou json (rapport frictionless)."),
    ] = OutputFormat.text,
    encoding: Annotated[str | None, typer.Option(help="Encodage forcé (sinon détecté).")] = None,
    delimiter: Annotated[str | None, typer.Option(help="Séparateur forcé (sinon détecté).")] = None,
    cap: Annotated[int, typer.Option(help="Erreurs détaillées gardées par type.")] = DEFAULT_CAP,
) -> None:
    """Valider un fichier contre un schéma : code de sortie 0 si valide, 1 sinon."""
    with tempfile.TemporaryDirectory(prefix="socle-validate-") as work:
        folder = Path(work)
        table_schema = _table_schema(schema, folder)
        path = copy_or_download(source, folder, load_settings())
        report = validate_file(
            path,
            table_schema,
            work_dir=folder,
            options=ReadOptions(encoding=encoding, delimiter=delimiter),
            cap=cap,
            schema_name=schema,
        )
    if output is OutputFormat.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    raise typer.Exit(0 if report.valid else 1)


def _table_schema(location: str, folder: Path) -> TableSchema:
    """A file or URL first; otherwise a reference to the instance's registry."""
    if is_url(location) or Path(location).is_file():
        return read_schema_file(copy_or_download(location, folder, load_settings()))
    with instance() as inst:
        return table_schema(get_schema(inst, location))


def print_report(report: Report) -> None:
    status = "[bold green]valide[/]" if report.valid else "[bold red]invalide[/]"
    console.print(
        f"{report.name} : {status} — {report.rows} ligne(s), {report.fields} colonne(s), "
        f"{report.error_count} erreur(s), {len(report.warnings)} avertissement(s) "
        f"en {report.seconds:.2f} s",
        highlight=False,
    )
    for warning in report.warnings:
        console.print(f"  [yellow]avertissement[/] {warning}", highlight=False)
    if report.valid:
        return
    counts = Table(title="Erreurs par type", show_lines=False)
    counts.add_column("Type")
    counts.add_column("Nombre", justify="right")
    for kind, n in sorted(report.counts.items(), key=lambda kv: -kv[1]):
        counts.add_row(kind, str(n))
    console.print(counts)
    examples = Table(title=f"Premières erreurs (au plus {report.cap} par type)")
    for name in ("Ligne", "Colonne", "Type", "Message"):
        examples.add_column(name)
    for error in report.errors[:50]:
        examples.add_row(
            str(error.get("rowNumber", "")),
            str(error.get("fieldName", "")),
            error["type"],
            error["message"],
        )
    console.print(examples)
