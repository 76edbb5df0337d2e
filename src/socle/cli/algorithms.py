"""``socle algorithms``: the register of public algorithms (transparence algorithmique)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.errors import InputError
from socle.governance import algorithms
from socle.governance.policy import ADMIN, ANONYMOUS

app = typer.Typer(
    help="Tenir le registre des algorithmes publics (CRPA art. L312-1-3 et R311-3-1-2).",
    no_args_is_help=True,
)
FIELD_NAMES = ", ".join(f.name for f in algorithms.FIELDS)
File = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="Fiche en JSON ou YAML : un objet dont les clés sont des champs "
        f"({FIELD_NAMES}) et, au besoin, datasets (liste de jeux) et processings (liste de "
        "traitements du registre RGPD).",
    ),
]
Sets = Annotated[
    list[str] | None,
    typer.Option("--set", help="CHAMP=VALEUR (option répétable), ex. --set automation=aid."),
]
Datasets = Annotated[
    list[str] | None,
    typer.Option("--dataset", help="Jeu de données traité, par son identifiant (répétable)."),
]
Processings = Annotated[
    list[str] | None,
    typer.Option(
        "--processing",
        help="Traitement du registre RGPD de l'organisation sur lequel l'algorithme s'appuie, "
        "par son identifiant (répétable).",
    ),
]
EVENTS = {
    "created": "création",
    "edited": "modification",
    "published": "publication",
    "withdrawn": "retrait",
}
Parameters = Annotated[
    list[str] | None,
    typer.Option(
        "--parameter",
        help="Paramètre de calcul : « nom = poids = description » (répétable ; remplace "
        "la liste des paramètres).",
    ),
]


@app.command("add")
@fails_cleanly
def add(
    slug: Annotated[str, typer.Argument(help="Identifiant de la fiche (ex. tarif-cantine).")],
    org: Annotated[str, typer.Option(help="Organisation qui prend les décisions.")],
    name: Annotated[str | None, typer.Option(help="Nom de l'algorithme.")] = None,
    file: File = None,
    sets: Sets = None,
    dataset: Datasets = None,
    processing: Processings = None,
    parameter: Parameters = None,
) -> None:
    """Ajouter une fiche au registre, en brouillon (révision 1)."""
    content, cited, activities = _content(file, sets, parameter)
    if name is not None:
        content["name"] = name
    with instance() as inst:
        algorithm = algorithms.add_algorithm(
            inst,
            ADMIN,
            slug,
            organization=org,
            content=content,
            datasets=[*cited, *(dataset or [])],
            processings=[*activities, *(processing or [])],
        )
    console.print(f"Fiche « {algorithm.slug} » créée en brouillon (révision 1).")


@app.command("update")
@fails_cleanly
def update(
    slug: Annotated[str, typer.Argument(help="Identifiant de la fiche.")],
    file: File = None,
    sets: Sets = None,
    dataset: Annotated[
        list[str] | None,
        typer.Option(
            "--dataset", help="Jeu de données traité (répétable ; remplace la liste des jeux)."
        ),
    ] = None,
    no_datasets: Annotated[
        bool, typer.Option("--no-datasets", help="Ne plus citer aucun jeu de données.")
    ] = False,
    processing: Annotated[
        list[str] | None,
        typer.Option(
            "--processing",
            help="Traitement du registre RGPD cité (répétable ; remplace la liste des "
            "traitements).",
        ),
    ] = None,
    no_processings: Annotated[
        bool,
        typer.Option("--no-processings", help="Ne plus citer aucun traitement du registre RGPD."),
    ] = False,
    parameter: Parameters = None,
) -> None:
    """Modifier une fiche : chaque modification est une nouvelle révision datée."""
    content, cited, activities = _content(file, sets, parameter)
    datasets = _replacing([*cited, *(dataset or [])], no_datasets)
    processings = _replacing([*activities, *(processing or [])], no_processings)
    with instance() as inst:
        algorithm = algorithms.update_algorithm(
            inst, ADMIN, slug, content=content, datasets=datasets, processings=processings
        )
    console.print(f"Fiche « {slug} » modifiée (révision {algorithm.revision}).")


@app.command("publish")
@fails_cleanly
def publish(slug: Annotated[str, typer.Argument(help="Identifiant de la fiche.")]) -> None:
    """Publier une fiche complète : elle apparaît sur le portail et dans les exports."""
    with instance() as inst:
        algorithm = algorithms.set_published(inst, ADMIN, slug, True)
    console.print(f"Fiche « {slug} » publiée (révision {algorithm.revision}).")


@app.command("unpublish")
@fails_cleanly
def unpublish(slug: Annotated[str, typer.Argument(help="Identifiant de la fiche.")]) -> None:
    """Retirer une fiche publiée : elle redevient un brouillon."""
    with instance() as inst:
        algorithm = algorithms.set_published(inst, ADMIN, slug, False)
    revision = algorithm.revision
    console.print(f"Fiche « {slug} » retirée, de nouveau en brouillon (révision {revision}).")


@app.command("list")
@fails_cleanly
def list_(
    org: Annotated[str | None, typer.Option(help="Seulement cette organisation.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Seulement ce statut : draft ou published.")
    ] = None,
) -> None:
    """Lister les fiches du registre, brouillons compris."""
    with instance() as inst:
        entries = algorithms.list_algorithms(inst, ADMIN, organization=org, status=status)
    table = Table("Identifiant", "Organisation", "Nom", "Statut", "Révision", "Mise à jour")
    for entry in entries:
        a = entry.algorithm
        updated = a.updated_at.date().isoformat()
        status_label = algorithms.LABELS_FR[a.status]
        table.add_row(a.slug, a.organization.slug, a.name, status_label, str(a.revision), updated)
    console.print(table)


@app.command("show")
@fails_cleanly
def show(slug: Annotated[str, typer.Argument(help="Identifiant de la fiche.")]) -> None:
    """Afficher une fiche, champ par champ, et son historique."""
    with instance() as inst:
        entry = algorithms.get_algorithm(inst, ADMIN, slug)
    view = algorithms.algorithm_view(entry, "")
    console.print(f"[bold]{view['name']}[/] ({view['slug']}) — {view['status_label']}")
    console.print(f"Administration : {view['organization']['name']}", highlight=False)
    console.print(f"Mise à jour : {view['updated_at'][:10]}, révision {view['revision']}")
    for field in algorithms.FIELDS:
        value = view.get(f"{field.name}_label") or view[field.name]
        if field.name == "parameters":
            value = "\n".join(f"  - {algorithms.parameter_text(p)}" for p in value) or None
        console.print(f"[bold]{field.label}[/] : {value or '—'}", highlight=False)
    for name in ("datasets", "processings"):
        cited = ", ".join(link["slug"] for link in view[name]) or "—"
        console.print(f"[bold]{algorithms.LABELS_FR[name]}[/] : {cited}", highlight=False)
    table = Table("Révision", "Date", "Événement", "Auteur", "Champs modifiés")
    for r in algorithms.revisions_view(entry):
        labels = ", ".join(r["changes_labels"])
        table.add_row(str(r["number"]), r["at"][:19], EVENTS[r["event"]], r["author"], labels)
    console.print(table)


@app.command("export")
@fails_cleanly
def export(
    output: Annotated[Path, typer.Option("--output", help="Fichier à écrire.")],
    format: Annotated[str, typer.Option("--format", help="csv ou json.")] = "csv",
    base_url: Annotated[
        str,
        typer.Option(
            help="Adresse du portail, pour des liens complets (ex. https://data.agglo.fr)."
        ),
    ] = "",
) -> None:
    """Exporter les fiches publiées telles que le public les voit (CSV ou JSON)."""
    if format not in ("csv", "json"):
        raise InputError(f"Format « {format} » inconnu : csv ou json")
    with instance() as inst:
        entries = algorithms.list_algorithms(inst, ANONYMOUS, status=algorithms.PUBLISHED)
        views = [algorithms.algorithm_view(e, base_url.rstrip("/")) for e in entries]
    with output.open("wb") as target:
        if format == "json":
            body = {"total_count": len(views), "results": views}
            target.write(json.dumps(body, ensure_ascii=False, indent=2).encode())
        else:
            for chunk in algorithms.csv_chunks(views):
                target.write(chunk)
    console.print(f"{len(views)} fiche(s) publiée(s) écrite(s) dans {output}")


def _content(
    file: Path | None, sets: list[str] | None, parameters: list[str] | None
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Fields from the file, then ``--set`` and ``--parameter``; and the datasets and processing
    activities the file cites."""
    content: dict[str, Any] = _read(file) if file is not None else {}
    cited = _slugs(content.pop("datasets", None), "datasets", "jeux de données")
    activities = _slugs(content.pop("processings", None), "processings", "traitements")
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set « {item} » : CHAMP=VALEUR attendu")
        content[key.strip()] = value
    if parameters:
        content["parameters"] = [algorithms.parse_parameter(p) for p in parameters]
    return content, cited, activities


def _slugs(value: Any, key: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise InputError(f"{key} : liste d'identifiants de {what} attendue")
    return value


def _replacing(slugs: list[str], none: bool) -> list[str] | None:
    """The new list of links given to ``update`` (None: unchanged; ``none``: empty it)."""
    return [] if none else slugs or None


def _read(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"Fichier « {file} » illisible : {exc.strerror}") from None
    try:
        data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InputError(f"Fichier « {file} » illisible : {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"Fichier « {file} » : un objet (champ: valeur) est attendu")
    return data
