"""``socle audit``: verify, read, export and purge the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, errors, fails_cleanly, instance
from socle.governance import audit
from socle.governance.policy import ADMIN
from socle.storage.tables import AuditEntry

app = typer.Typer(
    help="Journal d'audit : vérifier, consulter, exporter, purger.", no_args_is_help=True
)

Dataset = Annotated[
    str | None, typer.Option("--dataset", help="Jeu de données (identifiant, même renommé).")
]
Actor = Annotated[str | None, typer.Option("--actor", help="Qui (nom de l'utilisateur).")]
Action = Annotated[str | None, typer.Option("--action", help="Action (ex. read/records).")]
Since = Annotated[
    str | None, typer.Option("--since", help="Depuis ce jour (AAAA-MM-JJ, UTC) ou cet instant.")
]
Until = Annotated[
    str | None, typer.Option("--until", help="Jusqu'à ce jour inclus (AAAA-MM-JJ, UTC).")
]
Result = Annotated[
    str | None, typer.Option("--result", help="allowed (autorisé) ou denied (refusé).")
]


@app.command()
@fails_cleanly
def verify() -> None:
    """Recalculer la chaîne de sceaux et signaler toute entrée modifiée ou supprimée."""
    with instance() as inst:
        report = audit.verify(inst.db)
    for problem in report.problems:
        errors.print(f"[bold red]Altération :[/] {problem.message}", highlight=False)
    console.print(
        f"{report.checked} entrée(s) vérifiée(s) (n° {report.anchor_seq + 1} à "
        f"{report.last_seq}) ; sceau de tête : {report.head_hash}",
        highlight=False,
    )
    if not report.ok:
        errors.print(f"Journal altéré : {len(report.problems)} problème(s).")
        raise typer.Exit(1)
    console.print("Journal intègre.")


@app.command("list")
@fails_cleanly
def list_(
    dataset: Dataset = None,
    actor: Actor = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    result: Result = None,
    limit: Annotated[
        int, typer.Option(help="Nombre d'entrées affichées (les plus récentes).")
    ] = 50,
) -> None:
    """Lister les entrées du journal, les plus récentes d'abord."""
    filters = audit.AuditFilters.parse(
        dataset=dataset, actor=actor, action=action, since=since, until=until, result=result
    )
    with instance() as inst:
        page = audit.search(inst.db, ADMIN, filters, page_size=limit)
    table = Table(
        "N°", "Date (UTC)", "Qui", "IP", "Action", "Jeu", "Version", "Requête", "Résultat"
    )
    for entry in page.entries:
        view = audit.entry_view(entry)
        table.add_row(
            str(entry.seq),
            view["at"],
            f"{entry.actor} ({entry.actor_kind})",
            entry.client_ip or "",
            entry.action,
            entry.dataset_slug or "",
            "" if entry.version is None else str(entry.version),
            json.dumps(entry.query, ensure_ascii=False) if entry.query else "",
            "autorisé" if entry.result == "allowed" else "refusé",
        )
    console.print(table)
    console.print(f"{len(page.entries)} entrée(s) affichée(s) sur {page.total_count}.")


@app.command()
@fails_cleanly
def export(
    output: Annotated[Path, typer.Option("--output", help="Fichier CSV à écrire.")],
    dataset: Dataset = None,
    actor: Actor = None,
    action: Action = None,
    since: Since = None,
    until: Until = None,
    result: Result = None,
) -> None:
    """Exporter les entrées en CSV (UTF-8 avec BOM, « ; », lisible par Excel)."""
    filters = audit.AuditFilters.parse(
        dataset=dataset, actor=actor, action=action, since=since, until=until, result=result
    )
    count = 0

    def counted(rows: Iterator[AuditEntry]) -> Iterator[AuditEntry]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with instance() as inst, output.open("wb") as target:
        for chunk in audit.csv_chunks(counted(audit.entries(inst.db, ADMIN, filters))):
            target.write(chunk)
    console.print(f"{count} entrée(s) écrite(s) dans {output}")


@app.command()
@fails_cleanly
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Compter sans rien supprimer.")
    ] = False,
) -> None:
    """Supprimer les entrées plus anciennes que SOCLE_AUDIT_RETENTION_DAYS (chaîne conservée)."""
    with instance() as inst:
        days = inst.settings.audit_retention_days
        done = audit.purge(inst.db, ADMIN, days, dry_run=dry_run)
    when = audit.timestamp(done.cutoff)
    verb = "seraient supprimées" if dry_run else "supprimée(s)"
    console.print(f"{done.removed} entrée(s) antérieure(s) au {when} {verb} ({days} jours).")
