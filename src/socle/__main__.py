"""``python -m socle`` runs the command line."""

from socle.cli import app

app()
