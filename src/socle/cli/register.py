"""``socle register``: the RGPD register of processing activities (Art. 30) and the DPIAs.

The CLI is the instance administrator: it keeps every organization's register. Nested fields
(data categories with their retention, transfers, security measures, action plan) are given
in a JSON file (``--json``) shaped like the API's body; common fields have their options.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.errors import InputError
from socle.governance.policy import ADMIN
from socle.governance.register import (
    create_activity,
    find_activity,
    get_register,
    link_dataset,
    list_activities,
    parse_fields,
    parse_settings,
    set_dpia_status,
    unlink_dataset,
    update_activity,
    update_register,
)
from socle.governance.register.dpia import CNIL_MANDATORY_TYPES, EDPB_CRITERIA, STATUSES
from socle.governance.register.export import workbook
from socle.governance.register.views import activity_view, register_view
from socle.governance.register.vocabularies import LEGAL_BASES

app = typer.Typer(
    help="Tenir le registre RGPD des traitements (art. 30) et les analyses d'impact (AIPD).",
    no_args_is_help=True,
)
BASE = "http://localhost:8000"  # links in views and exports made outside a request
Entry = Annotated[str, typer.Argument(help="Identifiant du traitement (ou son id).")]
JsonFile = Annotated[
    Path | None,
    typer.Option("--json", help="Fichier JSON des champs (comme le corps de l'API).", exists=True),
]
Name = Annotated[str | None, typer.Option(help="Nom du traitement.")]
Purpose = Annotated[str | None, typer.Option(help="Finalité principale.")]
Basis = Annotated[
    str | None, typer.Option("--legal-basis", help=f"Base légale : {', '.join(LEGAL_BASES)}.")
]
Subjects = Annotated[
    list[str] | None,
    typer.Option("--subject", help="Catégorie de personnes concernées (répétable)."),
]
Categories = Annotated[
    list[str] | None,
    typer.Option(
        "--category",
        help="Catégorie de données et son délai d'effacement : CODE=DÉLAI (répétable), "
        "ex. identity='5 ans'.",
    ),
]
Recipients = Annotated[
    list[str] | None, typer.Option("--recipient", help="Destinataire (répétable).")
]
Sources = Annotated[list[str] | None, typer.Option("--source", help="Source (répétable).")]


def _fields(
    json_file: Path | None,
    **options: Any,
) -> dict[str, Any]:
    """The JSON file's fields, then the options given (options win)."""
    values: dict[str, Any] = {}
    if json_file is not None:
        try:
            loaded = json.loads(json_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{json_file} : JSON illisible ({exc})") from exc
        if not isinstance(loaded, dict):
            raise InputError(f"{json_file} : un objet JSON est attendu")
        values.update(loaded)
    categories = options.pop("data_categories", None)
    if categories:
        values["data_categories"] = [_category(c) for c in categories]
    values.update({k: v for k, v in options.items() if v not in (None, [])})
    return values


def _category(option: str) -> dict[str, str]:
    code, _, retention = option.partition("=")
    return {"category": code.strip(), "retention": retention.strip()}


@app.command()
@fails_cleanly
def add(
    slug: Annotated[str, typer.Argument(help="Identifiant du traitement (ex. aides-sociales).")],
    org: Annotated[str, typer.Option(help="Organisation responsable du traitement.")],
    name: Name = None,
    purpose: Purpose = None,
    legal_basis: Basis = None,
    subject: Subjects = None,
    category: Categories = None,
    recipient: Recipients = None,
    source: Sources = None,
    json_file: JsonFile = None,
) -> None:
    """Créer une fiche de traitement dans le registre d'une organisation."""
    values = _fields(
        json_file, name=name, purpose=purpose, legal_basis=legal_basis, data_subjects=subject,
        data_categories=category, recipients=recipient, sources=source,
    )  # fmt: skip
    with instance() as inst:
        activity = create_activity(inst, ADMIN, org, slug, parse_fields(values))
    console.print(f"Traitement « {activity.name} » ({activity.slug}) ajouté au registre.")


@app.command()
@fails_cleanly
def update(
    entry: Entry,
    name: Name = None,
    purpose: Purpose = None,
    legal_basis: Basis = None,
    subject: Subjects = None,
    category: Categories = None,
    recipient: Recipients = None,
    source: Sources = None,
    json_file: JsonFile = None,
) -> None:
    """Modifier une fiche de traitement (seuls les champs donnés changent)."""
    values = _fields(
        json_file, name=name, purpose=purpose, legal_basis=legal_basis, data_subjects=subject,
        data_categories=category, recipients=recipient, sources=source,
    )  # fmt: skip
    if not values:
        raise InputError("Rien à modifier : donnez au moins une option ou --json")
    with instance() as inst:
        activity = update_activity(inst, ADMIN, entry, parse_fields(values))
    console.print(f"Traitement « {activity.slug} » modifié.")


@app.command("list")
@fails_cleanly
def list_(
    org: Annotated[str | None, typer.Option(help="Une seule organisation.")] = None,
) -> None:
    """Lister les traitements du registre."""
    with instance() as inst:
        found = list_activities(inst, ADMIN, org)
    table = Table("Organisation", "Identifiant", "Traitement", "Base légale", "AIPD", "Jeux")
    for activity in found:
        view = activity_view(activity, ADMIN, BASE, kept=True)
        dpia = view["dpia"]
        state = ("requise, " if dpia["required"] else "non requise, ") + dpia["status_label"]
        table.add_row(
            view["organization"]["slug"], view["slug"], view["name"],
            view["legal_basis"] or "—", state, str(len(view["datasets"])),
        )  # fmt: skip
    console.print(table)


@app.command()
@fails_cleanly
def show(entry: Entry) -> None:
    """Afficher une fiche de traitement et l'évaluation de son AIPD."""
    with instance() as inst:
        view = activity_view(find_activity(inst, ADMIN, entry), ADMIN, BASE, kept=True)
    title = f"{view['name']} ({view['slug']}) — {view['organization']['name']}"
    console.print(f"[bold]{escape(title)}[/]", highlight=False)
    _line(f"Finalité : {view['purpose'] or '—'}")
    _line(f"Base légale : {view['legal_basis_label'] or 'non renseignée'}")
    _line(f"Personnes concernées : {', '.join(view['data_subjects']) or '—'}")
    for c in view["data_categories"]:
        flag = " (donnée sensible)" if c["sensitive"] else ""
        _line(f"Données : {c['label']}{flag} — effacement : {c['retention'] or '?'}")
    _line(f"Destinataires : {', '.join(view['recipients']) or '—'}")
    _line(f"Jeux de données : {', '.join(d['slug'] for d in view['datasets']) or '—'}")
    cited_by = ", ".join(f"{a['slug']} ({a['status_label']})" for a in view["algorithms"])
    _line(f"Algorithmes publics qui s'appuient sur ce traitement : {cited_by or '—'}")
    dpia = view["dpia"]
    verdict = "AIPD requise" if dpia["required"] else "AIPD non requise"
    console.print(f"[bold]{verdict}[/] — statut : {dpia['status_label']}")
    for reason in dpia["reasons"]:
        _line(f"  • {reason}")


def _line(text: str) -> None:
    """Print user-given text as is (no rich markup in it is interpreted)."""
    console.print(text, markup=False, highlight=False)


@app.command("link-dataset")
@fails_cleanly
def link_dataset_(
    entry: Entry,
    dataset: Annotated[str, typer.Argument(help="Jeu de données du catalogue.")],
) -> None:
    """Rattacher un jeu de données du catalogue à un traitement."""
    with instance() as inst:
        link_dataset(inst, ADMIN, entry, dataset)
    console.print(f"« {dataset} » est rattaché au traitement « {entry} ».")


@app.command("unlink-dataset")
@fails_cleanly
def unlink_dataset_(
    entry: Entry,
    dataset: Annotated[str, typer.Argument(help="Jeu de données du catalogue.")],
) -> None:
    """Détacher un jeu de données d'un traitement."""
    with instance() as inst:
        unlink_dataset(inst, ADMIN, entry, dataset)
    console.print(f"« {dataset} » n'est plus rattaché au traitement « {entry} ».")


@app.command()
@fails_cleanly
def dpia(
    entry: Entry,
    criterion: Annotated[
        list[str] | None,
        typer.Option(help=f"Critère du CEPD rempli (répétable) : {', '.join(EDPB_CRITERIA)}."),
    ] = None,
    cnil_type: Annotated[
        list[str] | None,
        typer.Option(
            help=f"Type de traitement de la liste CNIL (répétable) : "
            f"{', '.join(CNIL_MANDATORY_TYPES)}."
        ),
    ] = None,
    status: Annotated[
        str | None, typer.Option(help=f"Nouveau statut de l'AIPD : {', '.join(STATUSES)}.")
    ] = None,
    opinion: Annotated[str | None, typer.Option(help="Avis du DPO.")] = None,
    opinion_date: Annotated[
        str | None, typer.Option(help="Date de l'avis du DPO (AAAA-MM-JJ ; défaut : aujourd'hui).")
    ] = None,
    action: Annotated[
        list[str] | None,
        typer.Option(help="Mesure du plan d'action (répétable, remplace le plan)."),
    ] = None,
) -> None:
    """Cocher les critères de l'AIPD, rendre l'avis du DPO, faire avancer son statut."""
    values: dict[str, Any] = {}
    if criterion is not None:
        values["dpia_criteria"] = criterion
    if cnil_type is not None:
        values["dpia_cnil_types"] = cnil_type
    if opinion is not None:
        values["dpia_opinion"] = opinion
        values["dpia_opinion_date"] = opinion_date or datetime.now(UTC).date().isoformat()
    if action is not None:
        values["dpia_action_plan"] = [{"action": a} for a in action]
    if not values and status is None:
        raise InputError("Rien à faire : donnez --criterion, --cnil-type, --opinion, --action "
                         "ou --status")  # fmt: skip
    with instance() as inst:
        if values:
            update_activity(inst, ADMIN, entry, parse_fields(values))
        if status is not None:
            set_dpia_status(inst, ADMIN, entry, status)
    show(entry)


@app.command()
@fails_cleanly
def settings(
    org: Annotated[str, typer.Argument(help="Organisation.")],
    publish: Annotated[
        bool | None,
        typer.Option("--publish/--unpublish", help="Publier le registre sur le portail, ou non."),
    ] = None,
    controller_name: Annotated[str | None, typer.Option(help="Responsable : nom.")] = None,
    controller_address: Annotated[str | None, typer.Option(help="Responsable : adresse.")] = None,
    controller_email: Annotated[str | None, typer.Option(help="Responsable : courriel.")] = None,
    controller_phone: Annotated[str | None, typer.Option(help="Responsable : téléphone.")] = None,
    dpo_name: Annotated[str | None, typer.Option(help="DPO : nom.")] = None,
    dpo_address: Annotated[str | None, typer.Option(help="DPO : adresse.")] = None,
    dpo_email: Annotated[str | None, typer.Option(help="DPO : courriel.")] = None,
    dpo_phone: Annotated[str | None, typer.Option(help="DPO : téléphone.")] = None,
) -> None:
    """Coordonnées du responsable et du DPO d'un registre, et sa publication."""
    given = {
        "published": publish, "controller_name": controller_name,
        "controller_address": controller_address, "controller_email": controller_email,
        "controller_phone": controller_phone, "dpo_name": dpo_name, "dpo_address": dpo_address,
        "dpo_email": dpo_email, "dpo_phone": dpo_phone,
    }  # fmt: skip
    with instance() as inst:
        register = update_register(
            inst, ADMIN, org, parse_settings({k: v for k, v in given.items() if v is not None})
        )
    state = "publié sur le portail" if register.published else "non publié"
    console.print(f"Registre de « {org} » enregistré ({state}).")


@app.command()
@fails_cleanly
def export(
    org: Annotated[str, typer.Argument(help="Organisation.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire.")],
    fmt: Annotated[
        str, typer.Option("--format", help="xlsx, ods ou html (page imprimable).")
    ] = "xlsx",
) -> None:
    """Exporter le registre : tableur (une feuille par traitement) ou page imprimable."""
    with instance() as inst:
        view = register_view(get_register(inst, ADMIN, org), ADMIN, BASE)
        name = inst.settings.instance_name
    if fmt == "html":
        from socle.portal.register_print import printable

        output.write_text(printable(view, name), encoding="utf-8")
    else:
        output.write_bytes(workbook(view, fmt))
    console.print(
        f"Registre de « {org} » exporté : {output} ({len(view['activities'])} traitements)."
    )
