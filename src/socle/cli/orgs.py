"""``socle orgs``: the organizations (tenants) of the instance."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core.organizations import create_organization, list_organizations
from socle.governance.policy import ADMIN

app = typer.Typer(
    help="Gérer les organisations (collectivités, partenaires).", no_args_is_help=True
)


@app.command()
@fails_cleanly
def add(
    slug: Annotated[str, typer.Argument(help="Identifiant (ex. ville-de-bourg).")],
    name: Annotated[str, typer.Option(help="Nom complet.")],
    siren: Annotated[str | None, typer.Option(help="SIREN (9 chiffres).")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Type (commune, EPCI, département, partenaire...).")
    ] = None,
    website: Annotated[str | None, typer.Option(help="Site web.")] = None,
) -> None:
    """Créer une organisation."""
    with instance() as inst:
        org = create_organization(inst, slug, name, siren=siren, kind=kind, website=website)
    console.print(f"Organisation « {org.name} » créée ({org.slug}).")


@app.command("list")
@fails_cleanly
def list_() -> None:
    """Lister les organisations."""
    with instance() as inst:
        rows = list_organizations(inst, ADMIN)
    table = Table("Identifiant", "Nom", "SIREN", "Type", "Jeux de données")
    for org, count in rows:
        table.add_row(org.slug, org.name, org.siren or "", org.kind or "", str(count))
    console.print(table)
