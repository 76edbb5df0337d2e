"""``socle agreements`` and ``socle grants``: sharing datasets with partners and named people."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance, parse_day, split_list
from socle.core.agreement_views import agreement_view
from socle.core.agreements import (
    STATUS_LABELS_FR,
    add_agreement,
    add_obligation,
    get_agreement,
    list_agreements,
    set_status,
)
from socle.core.deliveries import obligations_for
from socle.core.grants import add_grant, list_grants, revoke_grant
from socle.core.obligations import ObligationTerms
from socle.governance.policy import ADMIN

agreements_app = typer.Typer(
    help="Gérer les conventions de partage avec les organisations partenaires.",
    no_args_is_help=True,
)
grants_app = typer.Typer(
    help="Partager un jeu de données avec une personne ou une autre organisation.",
    no_args_is_help=True,
)
Columns = Annotated[
    str | None, typer.Option(help="Colonnes exposées, séparées par des virgules (défaut : toutes).")
]
Rows = Annotated[
    str | None,
    typer.Option(
        help="Lignes exposées : expression where du langage de requête (défaut : toutes)."
    ),
]


CLAUSE_LABELS = {
    "purpose": "Objet",
    "legal_basis": "Base légale",
    "hosting": "Hébergement et souveraineté",
}


def _restriction(columns: list[str] | None, rows: str | None) -> str:
    parts = [", ".join(columns) if columns else "toutes colonnes"]
    parts.append(rows if rows else "toutes lignes")
    return " ; ".join(parts)


@agreements_app.command("add")
@fails_cleanly
def agreements_add(
    slug: Annotated[str, typer.Argument(help="Identifiant de la convention.")],
    title: Annotated[str, typer.Option(help="Intitulé.")],
    org: Annotated[str, typer.Option(help="Organisation propriétaire des données.")],
    partner: Annotated[str, typer.Option(help="Organisation partenaire.")],
    dataset: Annotated[list[str], typer.Option(help="Jeu de données couvert (option répétable).")],
    start: Annotated[
        str | None, typer.Option(help="Début (AAAA-MM-JJ ; défaut : aujourd'hui).")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Fin (AAAA-MM-JJ ; défaut : aucune).")] = None,
    columns: Columns = None,
    rows: Rows = None,
    purpose: Annotated[str | None, typer.Option(help="Clause : objet de la convention.")] = None,
    legal_basis: Annotated[
        str | None, typer.Option(help="Clause : base légale (contrat, article, délibération).")
    ] = None,
    hosting: Annotated[
        str | None, typer.Option(help="Clauses d'hébergement et de souveraineté.")
    ] = None,
) -> None:
    """Créer une convention active entre une organisation et un partenaire."""
    with instance() as inst:
        agreement = add_agreement(
            inst,
            ADMIN,
            slug,
            title=title,
            organization=org,
            partner=partner,
            datasets=dataset,
            starts_on=_day(start),
            ends_on=_day(end),
            columns=split_list(columns),
            rows=rows,
            purpose=purpose,
            legal_basis=legal_basis,
            hosting=hosting,
        )
    console.print(f"Convention « {agreement.slug} » créée, active.")


@agreements_app.command("oblige")
@fails_cleanly
def agreements_oblige(
    slug: Annotated[str, typer.Argument(help="Identifiant de la convention.")],
    dataset: Annotated[str, typer.Option(help="Jeu de données que le partenaire doit livrer.")],
    frequency: Annotated[
        str,
        typer.Option(help="Fréquence : DAILY, WEEKLY, MONTHLY, QUARTERLY, ANNUAL ou IRREG."),
    ],
    first_due: Annotated[str, typer.Option(help="Première échéance (AAAA-MM-JJ).")],
    schema: Annotated[
        str | None, typer.Option(help="Schéma attendu (nom ou nom@version du registre).")
    ] = None,
    description: Annotated[str | None, typer.Option(help="Ce qui est attendu.")] = None,
) -> None:
    """Ajouter au partenaire une obligation de livraison (jeu, schéma, fréquence, échéance)."""
    terms = ObligationTerms(dataset, frequency.upper(), parse_day(first_due), schema, description)
    with instance() as inst:
        obligation = add_obligation(inst, ADMIN, slug, terms)
    console.print(f"Obligation {obligation.id} ajoutée à la convention « {slug} ».")


@agreements_app.command("list")
@fails_cleanly
def agreements_list() -> None:
    """Lister les conventions, leurs jeux couverts et ce qu'elles exposent."""
    with instance() as inst:
        found = list_agreements(inst, ADMIN)
    table = Table("Identifiant", "Propriétaire", "Partenaire", "Période", "Statut", "Jeux")
    for a in found:
        period = f"{a.starts_on} → {a.ends_on or '…'}"
        covered = "\n".join(
            f"{c.dataset.slug} ({_restriction(c.columns, c.rows)})" for c in a.datasets
        )
        status = STATUS_LABELS_FR[a.status]
        table.add_row(a.slug, a.organization.slug, a.partner.slug, period, status, covered)
    console.print(table)


@agreements_app.command("show")
@fails_cleanly
def agreements_show(
    slug: Annotated[str, typer.Argument(help="Identifiant de la convention.")],
) -> None:
    """Afficher une convention : clauses, jeux couverts, livraisons attendues et leur état."""
    with instance() as inst:
        agreement = get_agreement(inst, ADMIN, slug)
        view = agreement_view(agreement, ADMIN, obligations_for(inst, agreement))
    console.print(f"[bold]{view['title']}[/] ({view['organization']} → {view['partner']})")
    console.print(f"Période : {view['starts_on']} → {view['ends_on'] or '…'}", highlight=False)
    console.print(f"Statut : {view['status_label']}")
    for name, label in CLAUSE_LABELS.items():
        console.print(f"{label} : {view['clauses'][name] or '—'}", highlight=False)
    for covered in view["datasets"]:
        console.print(
            f"Jeu couvert : {covered['slug']} ({_restriction(covered['columns'], covered['rows'])})"
        )
    table = Table("Obligation", "Jeu", "Schéma", "Fréquence", "Prochaine échéance", "État")
    for o in view["obligations"]:
        table.add_row(
            o["id"], o["dataset"], o["schema"] or "—", o["frequency_label"],
            o["next_due_on"] or "—", o["status_label"],
        )  # fmt: skip
    console.print(table)


@agreements_app.command("suspend")
@fails_cleanly
def agreements_suspend(slug: str) -> None:
    """Suspendre une convention : le partenaire ne voit plus les jeux couverts."""
    with instance() as inst:
        set_status(inst, ADMIN, slug, "suspended")
    console.print(f"Convention « {slug} » suspendue.")


@agreements_app.command("resume")
@fails_cleanly
def agreements_resume(slug: str) -> None:
    """Réactiver une convention suspendue."""
    with instance() as inst:
        set_status(inst, ADMIN, slug, "active")
    console.print(f"Convention « {slug} » de nouveau active.")


@agreements_app.command("end")
@fails_cleanly
def agreements_end(slug: str) -> None:
    """Mettre fin à une convention (définitif)."""
    with instance() as inst:
        set_status(inst, ADMIN, slug, "ended")
    console.print(f"Convention « {slug} » terminée.")


@grants_app.command("add")
@fails_cleanly
def grants_add(
    dataset: Annotated[str, typer.Argument(help="Jeu de données partagé.")],
    user: Annotated[str | None, typer.Option(help="Courriel de la personne nommée.")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation bénéficiaire.")] = None,
    columns: Columns = None,
    rows: Rows = None,
) -> None:
    """Partager un jeu avec une personne (niveau restreint) ou une autre organisation."""
    with instance() as inst:
        grant = add_grant(
            inst,
            ADMIN,
            dataset,
            email=user,
            organization=org,
            columns=split_list(columns),
            rows=rows,
        )
    console.print(f"Partage {grant.id} créé.")


@grants_app.command("revoke")
@fails_cleanly
def grants_revoke(grant_id: Annotated[str, typer.Argument(help="Identifiant du partage.")]) -> None:
    """Révoquer un partage : il cesse à la requête suivante."""
    with instance() as inst:
        revoke_grant(inst, ADMIN, grant_id)
    console.print(f"Partage {grant_id} révoqué.")


@grants_app.command("list")
@fails_cleanly
def grants_list(
    dataset: Annotated[str | None, typer.Option(help="Seulement ce jeu de données.")] = None,
) -> None:
    """Lister les partages en vigueur."""
    with instance() as inst:
        grants = list_grants(inst, ADMIN, dataset)
    table = Table("Identifiant", "Jeu", "Bénéficiaire", "Exposé", "Depuis")
    for g in grants:
        who = (
            g.user.email
            if g.user
            else f"organisation {g.organization.slug if g.organization else '?'}"
        )
        since = g.created_at.date().isoformat()
        table.add_row(g.id, g.dataset.slug, who, _restriction(g.columns, g.rows), since)
    console.print(table)


def _day(value: str | None) -> date | None:
    return None if value is None else parse_day(value)
