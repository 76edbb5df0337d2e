"""``socle orgs``: the organizations (tenants) of the instance."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core.memberships import list_members, remove_membership, set_membership
from socle.core.organizations import create_organization, list_organizations
from socle.governance.identity import ROLE_LABELS_FR
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
    siret: Annotated[
        str | None,
        typer.Option(
            help="SIRET (14 chiffres) : ses agents connectés par ProConnect en sont membres."
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Type (commune, EPCI, département, partenaire...).")
    ] = None,
    website: Annotated[str | None, typer.Option(help="Site web.")] = None,
) -> None:
    """Créer une organisation."""
    with instance() as inst:
        org = create_organization(
            inst, slug, name, siren=siren, siret=siret, kind=kind, website=website
        )
    console.print(f"Organisation « {org.name} » créée ({org.slug}).")


@app.command("list")
@fails_cleanly
def list_() -> None:
    """Lister les organisations."""
    with instance() as inst:
        rows = list_organizations(inst, ADMIN)
    table = Table("Identifiant", "Nom", "SIREN", "SIRET", "Type", "Jeux de données")
    for org, count in rows:
        table.add_row(
            org.slug, org.name, org.siren or "", org.siret or "", org.kind or "", str(count)
        )
    console.print(table)


members_app = typer.Typer(
    help="Gérer les membres d'une organisation et leur rôle.", no_args_is_help=True
)
app.add_typer(members_app, name="members")
Org = Annotated[str, typer.Argument(help="Identifiant de l'organisation.")]
MemberEmail = Annotated[str, typer.Argument(help="Adresse électronique du compte.")]


@members_app.command("add")
@fails_cleanly
def members_add(
    org: Org,
    email: MemberEmail,
    role: Annotated[
        str,
        typer.Option(help="Rôle : admin, data_officer, dpo, steward, agent ou partner."),
    ],
) -> None:
    """Ajouter un membre avec un rôle (ou changer le rôle d'un membre)."""
    with instance() as inst:
        added = set_membership(inst, org, email, role)
    verb = "ajouté à" if added else "a maintenant ce rôle dans"
    console.print(f"« {email} » {verb} « {org} » : {ROLE_LABELS_FR[role]}.", highlight=False)


@members_app.command("remove")
@fails_cleanly
def members_remove(org: Org, email: MemberEmail) -> None:
    """Retirer un membre d'une organisation."""
    with instance() as inst:
        remove_membership(inst, org, email)
    console.print(f"« {email} » n'est plus membre de « {org} ».", highlight=False)


@members_app.command("list")
@fails_cleanly
def members_list(org: Org) -> None:
    """Lister les membres d'une organisation et leur rôle."""
    with instance() as inst:
        members = list_members(inst, org)
    table = Table("Adresse", "Nom", "Rôle")
    for membership in members:
        table.add_row(membership.user.email, membership.user.name, ROLE_LABELS_FR[membership.role])
    console.print(table)
