"""``socle retention``: declare how long datasets keep their data, purge what expired."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core.metadata import parse_metadata
from socle.governance.policy import ADMIN
from socle.governance.retention import purge, setting, upcoming
from socle.governance.retention.rules import RetentionRule

app = typer.Typer(
    help="Conservation des données : durées, purges, purges à venir.", no_args_is_help=True
)


@app.command("set")
@fails_cleanly
def set_(
    slug: str,
    period: Annotated[
        str, typer.Option("--period", help="Durée ISO 8601 : P1Y, P6M, P30D, P2Y6M…")
    ],
    date_column: Annotated[
        str | None,
        typer.Option(
            "--date-column",
            help="Colonne de date : les lignes plus anciennes que la durée expirent. "
            "Sans elle, ce sont les versions entières.",
        ),
    ] = None,
) -> None:
    """Fixer la durée de conservation d'un jeu de données."""
    rule = _rule(period, date_column)
    with instance() as inst:
        setting.set_rule(inst, ADMIN, slug, rule)
    scope = f"lignes selon « {date_column} »" if date_column else "versions entières"
    console.print(f"« {slug} » : conservation {rule.period} ({scope}).", highlight=False)


@app.command()
@fails_cleanly
def clear(slug: str) -> None:
    """Retirer la durée de conservation d'un jeu (ses données sont gardées sans limite)."""
    with instance() as inst:
        setting.set_rule(inst, ADMIN, slug, None)
    console.print(f"« {slug} » : plus de durée de conservation.", highlight=False)


@app.command()
@fails_cleanly
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Montrer ce qui serait supprimé, sans rien changer.")
    ] = False,
    dataset: Annotated[
        list[str] | None,
        typer.Option("--dataset", help="Seulement ce jeu de données (option répétable)."),
    ] = None,
) -> None:
    """Appliquer les durées de conservation : lignes et versions échues supprimées du lac."""
    with instance() as inst:
        outcomes = purge.run(inst, ADMIN, dry_run=dry_run, slugs=dataset or None)
    title = "Purge à blanc : rien n'a été modifié" if dry_run else "Purge effectuée"
    table = Table(
        "Jeu",
        "Durée",
        "Colonne",
        "Échéance (UTC)",
        "Lignes retirées",
        "Nouvelle version",
        "Versions purgées",
        "Octets libérés",
        "Problème",
        title=title,
    )
    for o in outcomes:
        table.add_row(
            o.plan.slug,
            o.plan.period.text,
            o.plan.date_column or "—",
            f"{o.plan.cutoff:%Y-%m-%d %H:%M}",
            str(o.rows_removed),
            str(o.new_version or "—"),
            ", ".join(str(n) for n in o.versions_purged) or "—",
            f"{o.bytes_freed:,}".replace(",", " "),
            o.error or "",
        )
    console.print(table)
    if not outcomes:
        console.print("Aucun jeu de données n'a de durée de conservation.")
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


@app.command("upcoming")
@fails_cleanly
def upcoming_(
    organization: str,
    days: Annotated[int, typer.Option("--days", help="Horizon, en jours.")] = 30,
) -> None:
    """Purges à venir pour les jeux d'une organisation (vue du DPO)."""
    with instance() as inst:
        outlook = upcoming.upcoming_purges(inst, ADMIN, organization, days)
    table = Table(
        "Jeu",
        "Durée",
        "Colonne",
        "Prochaine purge",
        "Lignes échues",
        f"Lignes échues sous {days} j",
        "Versions échues",
        f"Versions échues sous {days} j",
        "Problème",
    )
    for item in outlook:
        view = item.view()
        table.add_row(
            item.slug,
            view["period"],
            view["date_column"] or "—",
            f"{item.next_purge:%Y-%m-%d}" if item.next_purge else "—",
            str(view["rows_expired"]),
            str(view["rows_expiring"]),
            ", ".join(map(str, view["versions_expired"])) or "—",
            ", ".join(map(str, view["versions_expiring"])) or "—",
            view["problem"] or "",
        )
    console.print(table)


def _rule(period: str, date_column: str | None) -> RetentionRule:
    """The rule as the metadata parser checks it (same messages as a manifest's)."""
    metadata = parse_metadata(retention={"period": period, "date_column": date_column})
    assert metadata.retention is not None
    return metadata.retention
