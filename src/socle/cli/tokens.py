"""``socle tokens``: personal API tokens, created for a user and shown once."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core.tokens import DEFAULT_DAYS, create_token, list_tokens, revoke_token, token_state
from socle.core.users import get_user
from socle.portal.formats import FORMATS

french_time = FORMATS["fr"].timestamp

app = typer.Typer(help="Gérer les jetons d'API des comptes.", no_args_is_help=True)


@app.command()
@fails_cleanly
def create(
    email: Annotated[str, typer.Argument(help="Compte auquel le jeton appartient.")],
    name: Annotated[str, typer.Option(help="Nom du jeton, pour le reconnaître.")],
    scope: Annotated[str, typer.Option(help="Portée : read, write ou admin.")] = "read",
    dataset: Annotated[
        str | None, typer.Option(help="Limiter le jeton à ce jeu de données (slug).")
    ] = None,
    org: Annotated[
        str | None, typer.Option(help="Limiter le jeton aux jeux de cette organisation.")
    ] = None,
    days: Annotated[int, typer.Option(help="Durée de validité en jours (366 au plus).")] = (
        DEFAULT_DAYS
    ),
) -> None:
    """Créer un jeton d'API pour un compte ; il n'est affiché qu'une fois."""
    with instance() as inst:
        user = get_user(inst, email)
        token, secret = create_token(
            inst, user.id, name, scope, dataset=dataset, organization=org, days=days
        )
    console.print(
        f"Jeton « {token.name} » ({token.id}) créé pour {user.email}, "
        f"valable jusqu'au {FORMATS['fr'].timestamp(token.expires_at)}.",
        highlight=False,
    )
    console.print("Copiez-le maintenant : il ne sera plus jamais affiché.")
    print(secret)


@app.command("list")
@fails_cleanly
def list_(
    email: Annotated[
        str | None, typer.Option("--user", help="Seulement les jetons de ce compte.")
    ] = None,
) -> None:
    """Lister les jetons (jamais leur secret) : portée, limite, expiration, état."""
    with instance() as inst:
        user_id = get_user(inst, email).id if email else None
        tokens = list_tokens(inst, user_id)
    table = Table("Identifiant", "Compte", "Nom", "Début", "Portée", "Limité à", "Expire", "État")
    for token in tokens:
        limit = token.dataset or token.organization
        table.add_row(
            token.id,
            token.user.email,
            token.name,
            f"{token.prefix}…",
            token.scope,
            limit.slug if limit else "",
            french_time(token.expires_at),
            token_state(token),
        )
    console.print(table)


@app.command()
@fails_cleanly
def revoke(
    token_id: Annotated[str, typer.Argument(help="Identifiant du jeton (socle tokens list).")],
) -> None:
    """Révoquer un jeton : il cesse aussitôt de fonctionner."""
    with instance() as inst:
        token = revoke_token(inst, token_id)
    console.print(f"Jeton « {token.name} » révoqué.", highlight=False)
