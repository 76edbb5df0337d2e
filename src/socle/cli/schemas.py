"""``socle schemas``: the registry of Table Schemas datasets declare and are validated against."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.config import load_settings
from socle.core import schemas
from socle.core.views import schema_view
from socle.governance.policy import ADMIN
from socle.ingest.remote import copy_or_download, is_url
from socle.quality.schema import load_descriptor

app = typer.Typer(
    help="Registre des schémas (Table Schema, schema.data.gouv.fr).", no_args_is_help=True
)


@app.command()
@fails_cleanly
def add(
    location: Annotated[str, typer.Argument(help="Table Schema : fichier ou URL.")],
    name: Annotated[
        str | None, typer.Option(help="Nom dans le registre (défaut : « name » du schéma).")
    ] = None,
    version: Annotated[
        str | None, typer.Option(help="Version (défaut : « version » du schéma, sinon 1, 2...).")
    ] = None,
) -> None:
    """Importer un schéma (ou une nouvelle version d'un schéma) dans le registre."""
    with tempfile.TemporaryDirectory(prefix="socle-schema-") as work:
        path = copy_or_download(location, Path(work), load_settings())
        descriptor = load_descriptor(path.read_bytes(), path.name)
    source = location if is_url(location) else Path(location).name
    with instance() as inst:
        record, created = schemas.add_schema(
            inst, ADMIN, descriptor, source, name=name, version=version
        )
    ref = f"{record.name}@{record.version}"
    if created:
        console.print(f"Schéma [bold]{ref}[/] ajouté : {record.title}", highlight=False)
    else:
        console.print(f"Schéma {ref} déjà présent avec ce contenu : rien à faire.", highlight=False)
    for warning in record.warnings:
        console.print(f"[yellow]Avertissement :[/] {warning}", highlight=False)


@app.command("list")
@fails_cleanly
def list_() -> None:
    """Lister les schémas du registre (la version la plus récente d'abord)."""
    with instance() as inst:
        records = schemas.list_schemas(inst)
    table = Table("Nom", "Version", "Titre", "Champs", "Source")
    for record in records:
        table.add_row(
            record.name,
            record.version,
            record.title,
            str(len(record.descriptor.get("fields", []))),
            record.url or record.source,
        )
    console.print(table)
    console.print(f"{len(records)} version(s) de schéma")


@app.command()
@fails_cleanly
def show(
    reference: Annotated[str, typer.Argument(help="nom ou nom@version.")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (avec le schéma).")] = False,
) -> None:
    """Afficher un schéma, ses champs et les jeux de données qui s'y conforment."""
    with instance() as inst:
        record = schemas.get_schema(inst, reference)
        conforming = schemas.conforming_datasets(inst, ADMIN, record)
    view = schema_view(record, base_url="", full=True)
    view["datasets"] = [d.slug for d in conforming]
    if as_json:
        console.print_json(json.dumps(view, ensure_ascii=False))
        return
    console.print(f"[bold]{view['id']}[/] — {record.title}", highlight=False)
    if record.description:
        console.print(record.description, highlight=False)
    fields = Table("Champ", "Type", "Obligatoire", "Description")
    for field in schemas.table_schema(record).fields:
        fields.add_row(
            field.name, field.type, "oui" if field.required else "", field.description[:80]
        )
    console.print(fields)
    console.print(
        "Jeux de données conformes : " + (", ".join(view["datasets"]) or "aucun"), highlight=False
    )
