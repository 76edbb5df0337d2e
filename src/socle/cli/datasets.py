"""``socle datasets``: read and edit the catalog from the command line (as administrator)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance, split_list
from socle.cli.ingest import print_version_summary
from socle.core import catalog, schemas, versions
from socle.core.metadata import parse_metadata
from socle.core.views import dataset_view
from socle.engine.diff import diff_versions
from socle.governance.audit import AuditEvent
from socle.governance.policy import ADMIN

app = typer.Typer(help="Lister, afficher et modifier les jeux de données.", no_args_is_help=True)


@app.command("list")
@fails_cleanly
def list_(
    q: Annotated[str | None, typer.Option(help="Recherche plein texte.")] = None,
    organization: Annotated[str | None, typer.Option(help="Filtrer par organisation.")] = None,
    theme: Annotated[str | None, typer.Option(help="Filtrer par thème UE.")] = None,
) -> None:
    """Lister les jeux de données du catalogue."""
    with instance() as inst:
        result = catalog.search(
            inst,
            ADMIN,
            q=q,
            filters={"organization": organization, "theme": theme},
            page_size=100,
        )
    table = Table("Identifiant", "Titre", "Accès", "Version", "Lignes")
    for entry in result.entries:
        latest = entry.latest
        table.add_row(
            entry.dataset.slug,
            entry.dataset.title,
            entry.dataset.access,
            str(latest.number) if latest else "—",
            f"{latest.row_count:,}".replace(",", "\u202f") if latest else "—",
        )
    console.print(table)
    console.print(f"{result.total_count} jeu(x) de données")


@app.command()
@fails_cleanly
def show(
    slug: str,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Afficher les métadonnées et le schéma d'un jeu de données."""
    with instance() as inst:
        entry = catalog.get_entry(inst, ADMIN, slug)
    view = dataset_view(entry, base_url="")
    if as_json:
        console.print_json(json.dumps(view, ensure_ascii=False, default=str))
        return
    table = Table(box=None, show_header=False)
    for key in (
        "slug",
        "id",
        "title",
        "access",
        "personal_data",
        "licence",
        "themes",
        "keywords",
        "frequency",
        "spatial",
        "organization",
        "contact_name",
        "contact_email",
        "modified",
    ):
        value = view.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list):
            value = ", ".join(value)
        table.add_row(f"[bold]{key}[/]", "" if value is None else str(value))
    console.print(table)
    if view["description"]:
        console.print(view["description"])
    if entry.latest:
        print_version_summary(slug, entry.latest)


@app.command("versions")
@fails_cleanly
def versions_(slug: str) -> None:
    """Lister les versions d'un jeu de données (la plus récente d'abord)."""
    with instance() as inst:
        listed = versions.list_versions(inst, ADMIN, slug)
    table = Table("N°", "Date", "Par", "Méthode", "Fichier", "Lignes", "SHA-256 (données)")
    for v in listed:
        method = f"retour à v{v.rolled_back_from}" if v.rolled_back_from else v.method
        if v.purged_at is not None:
            method += f" (supprimée le {v.purged_at:%d/%m/%Y})"
        table.add_row(
            str(v.number),
            v.created_at.strftime("%d/%m/%Y %H:%M"),
            v.created_by,
            method,
            v.source_name,
            str(v.row_count),
            v.data_sha256[:12],
        )
    console.print(table)


@app.command()
@fails_cleanly
def update(
    slug: str,
    title: Annotated[str | None, typer.Option(help="Titre.")] = None,
    description: Annotated[str | None, typer.Option(help="Description (Markdown).")] = None,
    access: Annotated[
        str | None,
        typer.Option(help="public, partners (partenaires sous convention), internal, restricted."),
    ] = None,
    licence: Annotated[str | None, typer.Option(help="Licence (lov2, odc-odbl...).")] = None,
    themes: Annotated[str | None, typer.Option(help="Thèmes UE, séparés par des virgules.")] = None,
    keywords: Annotated[
        str | None, typer.Option(help="Mots-clés, séparés par des virgules.")
    ] = None,
    frequency: Annotated[str | None, typer.Option(help="Fréquence UE (DAILY, MONTHLY...).")] = None,
    spatial: Annotated[str | None, typer.Option(help="Codes INSEE couverts.")] = None,
    contact_name: Annotated[str | None, typer.Option(help="Point de contact.")] = None,
    contact_email: Annotated[str | None, typer.Option(help="Courriel du point de contact.")] = None,
    conforms_to: Annotated[str | None, typer.Option(help="URL du schéma suivi.")] = None,
    schema: Annotated[
        str | None,
        typer.Option(help="Schéma du registre suivi (nom ou nom@version ; « - » pour aucun)."),
    ] = None,
    primary_key: Annotated[str | None, typer.Option(help="Colonnes de la clé primaire.")] = None,
    rename: Annotated[
        str | None, typer.Option(help="Nouvel identifiant (l'URI stable ne change pas).")
    ] = None,
    personal_data: Annotated[
        bool | None,
        typer.Option(
            "--personal-data/--no-personal-data",
            help="Contient des données personnelles (interdit alors l'accès public).",
        ),
    ] = None,
    steward: Annotated[
        str | None,
        typer.Option(help="Courriel du référent data, membre de l'organisation (« - » : aucun)."),
    ] = None,
) -> None:
    """Modifier les métadonnées d'un jeu de données."""
    metadata = parse_metadata(
        title=title,
        description=description,
        access=access,
        licence=licence,
        themes=split_list(themes),
        keywords=split_list(keywords),
        frequency=frequency,
        spatial=split_list(spatial),
        contact_name=contact_name,
        contact_email=contact_email,
        conforms_to=conforms_to,
        primary_key=split_list(primary_key),
        personal_data=personal_data,
    )
    with instance() as inst:
        catalog.update_dataset(inst, ADMIN, slug, metadata)
        if steward:
            catalog.set_steward(inst, ADMIN, slug, None if steward == "-" else steward)
        if schema:
            schemas.pin_schema(inst, ADMIN, slug, None if schema == "-" else schema)
        if rename:
            catalog.rename_dataset(inst, ADMIN, slug, rename)
    console.print(f"« {rename or slug} » mis à jour.")


@app.command()
@fails_cleanly
def diff(
    slug: str,
    before: Annotated[int, typer.Argument(help="Version de départ.")],
    after: Annotated[
        int | None, typer.Argument(help="Version d'arrivée (défaut : la dernière).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Comparer deux versions : colonnes et lignes ajoutées, supprimées, modifiées."""
    with instance() as inst:
        compared = AuditEvent(inst.db, "read/diff", details={"versions": [before, after]})
        entry = catalog.get_entry(inst, ADMIN, slug, audit=compared)
        old = versions.get_version(inst, ADMIN, slug, before)
        new = versions.get_version(inst, ADMIN, slug, after)
        result = diff_versions(
            versions.data_paths(inst, old),
            old.table_schema,
            versions.data_paths(inst, new),
            new.table_schema,
            entry.dataset.primary_key or None,
        )
    if as_json:
        console.print_json(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
        return
    console.print(f"v{old.number} → v{new.number} (comparaison par {result.method})")
    for label, names in (
        ("Colonnes ajoutées", result.schema.added),
        ("Colonnes supprimées", result.schema.removed),
    ):
        if names:
            console.print(f"{label} : {', '.join(names)}")
    for name, (a, b) in result.schema.retyped.items():
        console.print(f"Type modifié : {name} ({a} → {b})")
    console.print(
        f"Lignes ajoutées : {result.rows_added}, supprimées : {result.rows_removed}, "
        f"modifiées : {result.rows_changed}"
    )


@app.command()
@fails_cleanly
def rollback(slug: str, number: int) -> None:
    """Revenir au contenu d'une version antérieure (crée une nouvelle version)."""
    with instance() as inst:
        version = versions.rollback(inst, ADMIN, slug, number)
    console.print(f"Version {version.number} créée avec le contenu de la version {number}.")
