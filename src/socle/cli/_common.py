"""What every command shares: the opened instance, the admin principal, error reporting."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from socle.config import load_settings
from socle.errors import InputError, SocleError
from socle.instance import Instance, open_instance

console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def fails_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn any SocleError into a one-line French message and a non-zero exit code."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except SocleError as exc:
            errors.print(f"[bold red]Erreur :[/] {exc.message}", highlight=False)
            raise typer.Exit(2 if exc.status < 500 else 1) from None
        except KeyboardInterrupt:
            errors.print("Interrompu : rien n'a été enregistré.")
            sys.exit(130)

    return wrapper


@contextmanager
def instance() -> Iterator[Instance]:
    """The instance described by the configuration, created on first use."""
    opened = open_instance(load_settings())
    try:
        yield opened
    finally:
        opened.close()


def split_list(value: str | None) -> list[str] | None:
    """``"a, b"`` -> ``["a", "b"]``; None stays None (option not given)."""
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_day(value: str) -> date:
    """A date given as AAAA-MM-JJ, or a clear error."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"Date « {value} » invalide : AAAA-MM-JJ attendu") from None
