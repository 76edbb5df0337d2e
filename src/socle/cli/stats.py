"""``socle stats``: usage statistics, by day for one dataset or ranked over every dataset."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core.usage import reports
from socle.errors import InputError
from socle.governance.policy import ADMIN

COLUMNS = ("Pages vues", "Téléchargements", "Appels API")


@fails_cleanly
def stats(
    slug: Annotated[
        str | None, typer.Argument(help="Jeu de données ; sans lui, tous les jeux.")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Premier jour, AAAA-MM-JJ (défaut : les 12 derniers mois)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Dernier jour, AAAA-MM-JJ (défaut : aujourd'hui).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Afficher les statistiques d'utilisation : pages vues, téléchargements, appels API."""
    first, last = reports.period(_day(start, "--from"), _day(end, "--to"))
    with instance() as inst:
        if slug is None:
            result: Any = reports.ranking(inst, ADMIN, first, last)
        else:
            result = reports.dataset_usage(inst, ADMIN, slug, first, last)
    if as_json:
        console.print_json(json.dumps(result, ensure_ascii=False))
        return
    console.print(f"Du {first:%d/%m/%Y} au {last:%d/%m/%Y}", highlight=False)
    if slug is None:
        table = Table("Jeu de données", *COLUMNS)
        for entry in result:
            table.add_row(entry["slug"], *_counts(entry))
        console.print(table)
        return
    totals = result["totals"]
    for label, key in (
        ("Pages", "views_by_page"),
        ("Formats", "downloads_by_format"),
        ("API", "api_calls_by_api"),
    ):
        shown = ", ".join(f"{name or '—'} {count}" for name, count in totals[key].items())
        console.print(f"{label} : {shown or '—'}", highlight=False)
    table = Table("Jour", *COLUMNS)
    for day in result["series"]:
        table.add_row(day["period"], *_counts(day))
    table.add_row("Total", *_counts(totals), style="bold")
    console.print(table)


def _counts(counts: dict[str, Any]) -> list[str]:
    return [str(counts[key]) for key in ("views", "downloads", "api_calls")]


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"Date invalide pour {option} : « {value} » (attendu AAAA-MM-JJ)"
        ) from None
