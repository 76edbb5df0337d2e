"""The ``socle`` command: every administrator action, in French, with help on each command."""

from __future__ import annotations

from typing import Annotated

import typer

from socle.cli import audit, datasets, exports, moderation, orgs, schemas, sharing, tokens, users
from socle.cli import register as register_cli
from socle.cli import retention as retention_cli
from socle.cli import secrets as secrets_cli
from socle.cli._common import console, fails_cleanly, instance
from socle.cli.algorithms import app as algorithms_app
from socle.cli.anonymisation import anonymisation_app, anonymise
from socle.cli.clean import clean
from socle.cli.deliveries import app as deliveries_app
from socle.cli.ingest import ingest
from socle.cli.quality import validate
from socle.cli.stats import stats
from socle.config import load_settings

app = typer.Typer(
    name="socle",
    help="Socle : plateforme de données territoriales souveraine.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
config_app = typer.Typer(help="Configuration effective.", no_args_is_help=True)
app.add_typer(datasets.app, name="datasets")
app.add_typer(orgs.app, name="orgs")
app.add_typer(schemas.app, name="schemas")
app.add_typer(exports.app, name="exports")
app.add_typer(moderation.app, name="moderation")
app.add_typer(moderation.requests_app, name="requests")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(audit.app, name="audit")
app.add_typer(sharing.agreements_app, name="agreements")
app.add_typer(sharing.grants_app, name="grants")
app.add_typer(algorithms_app, name="algorithms")
app.add_typer(deliveries_app, name="deliveries")
app.add_typer(config_app, name="config")
app.add_typer(retention_cli.app, name="retention")
app.add_typer(register_cli.app, name="register")
app.add_typer(secrets_cli.app, name="secrets")
app.command(name="ingest")(ingest)
app.command(name="validate")(validate)
app.command(name="clean")(clean)
app.command(name="stats")(stats)
app.add_typer(anonymisation_app, name="anonymisation")
app.command(name="anonymise")(anonymise)


@app.command()
@fails_cleanly
def init() -> None:
    """Créer (ou mettre à jour) l'instance : base de métadonnées et lac de données."""
    with instance() as inst:
        console.print(f"Instance prête : {inst.settings.home.resolve()}")


@config_app.command("show")
@fails_cleanly
def config_show() -> None:
    """Afficher la configuration effective (mots de passe masqués)."""
    for key, value in load_settings().public_items().items():
        console.print(f"[bold]SOCLE_{key.upper()}[/] = {value}", highlight=False)


@app.command()
@fails_cleanly
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d'écoute.")] = 8000,
) -> None:
    """Servir le portail et l'API HTTP."""
    import uvicorn

    from socle.api.app import create_app

    uvicorn.run(create_app(load_settings()), host=host, port=port, log_level="info")


@app.command()
@fails_cleanly
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve", help="Servir le portail une fois le territoire chargé.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port d'écoute avec --serve.")] = 8000,
) -> None:
    """Charger le territoire de démonstration (deux versions de chaque jeu de données)."""
    from socle.demo.load import load_demo

    with instance() as inst:
        load_demo(inst, console)
    if serve_after:
        serve(port=port)
