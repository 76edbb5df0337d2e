"""Where to go after signing in: only a path of this site."""

from __future__ import annotations


def safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another one."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target
