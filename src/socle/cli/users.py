"""``socle users``: local accounts. Passwords are typed at a prompt, never given as arguments."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from socle.cli._common import console, fails_cleanly, instance
from socle.core.users import create_user, list_users, set_disabled, set_password, usable
from socle.storage.tables import User

app = typer.Typer(help="Gérer les comptes des personnes.", no_args_is_help=True)

Email = Annotated[str, typer.Argument(help="Adresse électronique du compte.")]


def _prompt_password() -> str:
    return str(
        typer.prompt(
            "Mot de passe (12 caractères au moins)",
            hide_input=True,
            confirmation_prompt="Mot de passe, à nouveau",
        )
    )


@app.command()
@fails_cleanly
def add(
    email: Email,
    name: Annotated[str, typer.Option(help="Nom affiché (prénom et nom).")] = "",
    superadmin: Annotated[
        bool, typer.Option("--superadmin", help="Super-administrateur de la plateforme.")
    ] = False,
) -> None:
    """Créer un compte (le mot de passe est demandé, jamais passé en argument)."""
    with instance() as inst:
        password = _prompt_password()
        user = create_user(inst, email, password, name=name, superadmin=superadmin)
    role = " (super-administrateur)" if user.is_superadmin else ""
    console.print(f"Compte « {user.email} » créé{role}.", highlight=False)


@app.command("list")
@fails_cleanly
def list_() -> None:
    """Lister les comptes, leur état et leur double authentification."""
    with instance() as inst:
        users = list_users(inst)
    table = Table("Adresse", "Nom", "Super-admin", "Double authentification", "État")
    for user in users:
        table.add_row(
            user.email,
            user.name,
            "oui" if user.is_superadmin else "",
            "activée" if user.totp_enabled else "",
            _state(user),
        )
    console.print(table)


@app.command()
@fails_cleanly
def disable(email: Email) -> None:
    """Désactiver un compte : ses sessions et ses jetons cessent aussitôt de fonctionner."""
    with instance() as inst:
        user = set_disabled(inst, email, True)
    console.print(f"Compte « {user.email} » désactivé.", highlight=False)


@app.command()
@fails_cleanly
def enable(email: Email) -> None:
    """Réactiver un compte désactivé."""
    with instance() as inst:
        user = set_disabled(inst, email, False)
    console.print(f"Compte « {user.email} » réactivé.", highlight=False)


@app.command()
@fails_cleanly
def passwd(email: Email) -> None:
    """Changer le mot de passe d'un compte (et le débloquer) ; ses autres sessions se ferment."""
    with instance() as inst:
        password = _prompt_password()
        user = set_password(inst, email, password)
    console.print(f"Mot de passe de « {user.email} » changé.", highlight=False)


def _state(user: User) -> str:
    if user.disabled_at is not None:
        return "désactivé"
    return "actif" if usable(user) else "bloqué (échecs de connexion)"
