"""``socle moderation`` and ``socle requests``: the authority moderates what visitors send."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core import participation
from socle.core.participation import Item, Kind, Status
from socle.governance.policy import ADMIN
from socle.portal.formats import FORMATS

french_time = FORMATS["fr"].timestamp

app = typer.Typer(
    help="Modérer les contributions du public : réutilisations, demandes, commentaires.",
    no_args_is_help=True,
)
requests_app = typer.Typer(
    help="Répondre aux demandes de données du public et les fermer.", no_args_is_help=True
)
IdArgument = Annotated[
    str, typer.Argument(help="Identifiant de la contribution (ou ses premiers caractères).")
]
ReasonOption = Annotated[
    str | None, typer.Option(help="Motif, gardé pour la modération (jamais publié).")
]


def _show(item: Item, done: str) -> None:
    console.print(f"{item.kind.value} {item.id[:8]} « {item.title} » : {done}.", highlight=False)


@app.command("list")
@fails_cleanly
def list_(
    kind: Annotated[Kind | None, typer.Option(help="Type de contribution.")] = None,
    status: Annotated[Status, typer.Option(help="Statut.")] = Status.PENDING,
    all_: Annotated[bool, typer.Option("--all", help="Tous les statuts.")] = False,
) -> None:
    """Lister les contributions (par défaut celles en attente de modération)."""
    with instance() as inst:
        items = participation.list_items(inst, ADMIN, kind=kind, status=None if all_ else status)
    table = Table("Identifiant", "Type", "Statut", "Reçue le", "Titre", "Concerne", "Contact")
    for item in items:
        table.add_row(
            item.id[:8],
            item.kind.value,
            participation.STATUS_LABELS[Status(item.status)],
            french_time(item.created_at),
            item.title,
            ", ".join(item.about) or "—",
            item.contact_email or "—",
        )
    console.print(table)
    console.print(f"{len(items)} contribution(s)")


@app.command()
@fails_cleanly
def approve(ident: IdArgument) -> None:
    """Publier une contribution en attente (une demande devient « ouverte »)."""
    with instance() as inst:
        _show(participation.approve(inst, ADMIN, ident), "publiée")


@app.command()
@fails_cleanly
def reject(ident: IdArgument, reason: ReasonOption = None) -> None:
    """Refuser une contribution, ou retirer une contribution publiée."""
    with instance() as inst:
        _show(participation.reject(inst, ADMIN, ident, reason), "refusée")


@app.command()
@fails_cleanly
def notifications(
    org: Annotated[str | None, typer.Option(help="Organisation (identifiant).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Nombre au plus.")] = 100,
) -> None:
    """Lister les notifications destinées aux organisations, les plus récentes d'abord."""
    with instance() as inst:
        rows = participation.list_notifications(inst, organization=org, limit=limit)
    table = Table("Date", "Événement", "Organisation", "Jeu de données", "Message", "Élément")
    for row in rows:
        table.add_row(
            french_time(row.created_at),
            row.event,
            row.organization or "—",
            row.dataset or "—",
            row.message,
            f"{row.subject_kind} {row.subject_id[:8]}",
        )
    console.print(table)


@requests_app.command()
@fails_cleanly
def answer(
    ident: IdArgument,
    text: Annotated[str, typer.Option(help="La réponse, publiée sous la demande.")],
    dataset: Annotated[
        str | None, typer.Option(help="Jeu de données qui répond à la demande (identifiant).")
    ] = None,
) -> None:
    """Répondre à une demande de données (et la publier si elle était en attente)."""
    with instance() as inst:
        request = participation.answer_request(inst, ADMIN, ident, text, dataset)
    console.print(f"Demande {request.id[:8]} « {request.title} » : répondue.", highlight=False)


@requests_app.command()
@fails_cleanly
def close(ident: IdArgument, reason: ReasonOption = None) -> None:
    """Fermer une demande publiée (elle reste affichée, comme « fermée »)."""
    with instance() as inst:
        request = participation.close_request(inst, ADMIN, ident, reason)
    console.print(f"Demande {request.id[:8]} « {request.title} » : fermée.", highlight=False)
