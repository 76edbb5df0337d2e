"""Docs stay honest: every command has help text and an entry in docs/cli.md."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from socle.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def all_commands() -> dict[str, str | None]:
    """'socle datasets list' -> help text, for every leaf command."""
    found: dict[str, str | None] = {}

    def walk(command: typer.core.TyperGroup | object, prefix: str) -> None:
        sub = getattr(command, "commands", None)
        if sub is None:
            found[prefix] = getattr(command, "help", None)
            return
        for name, child in sub.items():
            walk(child, f"{prefix} {name}")

    walk(get_command(app), "socle")
    return found


def test_every_command_has_help_and_docs() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    commands = all_commands()
    assert len(commands) >= 12
    for name, help_text in commands.items():
        assert help_text and help_text.strip(), f"{name} has no help text"
        assert f"### {name}\n" in docs, f"{name} is not documented in docs/cli.md"
