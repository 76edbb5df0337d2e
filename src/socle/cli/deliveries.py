"""``socle deliveries``: where partners stand with the data their agreements oblige them to
deliver."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance, parse_day
from socle.core.deliveries import STATUS_LABELS_FR, board
from socle.core.vocabularies import FREQUENCIES
from socle.governance.policy import ADMIN
from socle.storage.tables import as_utc

app = typer.Typer(help="Suivre les livraisons de données des partenaires.", no_args_is_help=True)
STYLES = {"on_time": "green", "late": "yellow", "invalid": "red", "missing": "red", "pending": ""}


@app.command("board")
@fails_cleanly
def deliveries_board(
    org: Annotated[str, typer.Argument(help="Organisation propriétaire des conventions.")],
    on: Annotated[
        str | None, typer.Option(help="Date du tableau (AAAA-MM-JJ ; défaut : aujourd'hui).")
    ] = None,
) -> None:
    """Tableau des livraisons : à l'heure, en retard, invalide, manquante ou à venir."""
    with instance() as inst:
        rows = board(inst, ADMIN, org, today=parse_day(on) if on else None)
    table = Table(
        "Convention", "Partenaire", "Jeu", "Schéma", "Fréquence", "Prochaine échéance",
        "Dernière livraison", "État",
    )  # fmt: skip
    for row in rows:
        o = row.obligation
        latest = row.latest
        delivered = (
            f"{as_utc(latest.delivered_at):%Y-%m-%d %H:%M} par {latest.delivered_by}"
            f" (version {latest.version.number})"
            if latest
            else "—"
        )
        schema = f"{o.schema.name}@{o.schema.version}" if o.schema else "—"
        status = STATUS_LABELS_FR[row.status]
        style = STYLES[row.status]
        table.add_row(
            o.agreement.slug,
            o.agreement.partner.slug,
            o.dataset.slug,
            schema,
            FREQUENCIES[o.frequency],
            str(row.next_due_on or "—"),
            delivered,
            f"[{style}]{status}[/]" if style else status,
        )
    console.print(table)
    if not rows:
        console.print("Aucune obligation de livraison dans les conventions de cette organisation.")
