"""``socle secrets``: the key sealing stored secrets (SOCLE_SECRET_KEY), and sealing them."""

from __future__ import annotations

import typer

from socle.cli._common import console, fails_cleanly, instance
from socle.core import totp
from socle.governance.policy import ADMIN
from socle.governance.secrets import generate_key

app = typer.Typer(
    help="Secrets gardés par Socle : clé de chiffrement et chiffrement.", no_args_is_help=True
)


@app.command("generate-key")
@fails_cleanly
def generate_key_command() -> None:
    """Afficher une nouvelle clé pour SOCLE_SECRET_KEY (à garder hors de la base)."""
    print(generate_key())


@app.command()
@fails_cleanly
def seal() -> None:
    """Chiffrer avec la première clé de SOCLE_SECRET_KEY tous les secrets enregistrés
    (ceux encore en clair, ceux d'une ancienne clé)."""
    with instance() as inst:
        count = totp.seal_stored(inst, ADMIN)
    console.print(f"{count} secret(s) de double authentification chiffré(s).")
