"""Jinja2 environment of the portal: autoescaping, French formats, safe Markdown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

# Descriptions are user input: raw HTML in them is shown as text, never interpreted.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
NARROW_NBSP = "\u202f"


def fr_number(value: Any) -> str:
    """1234567.5 -> « 1 234 567,5 » (narrow no-break spaces, decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", NARROW_NBSP)
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return str(value)


def fr_date(value: Any, with_time: bool = False) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and with_time:
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def markdown(text: str | None) -> Markup:
    return Markup(MARKDOWN.render(text or ""))


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def cell(value: Any, type_: str = "string") -> str:
    """A preview cell as a French reader expects it (dates dd/mm/yyyy, 1 234,5, oui/non)."""
    if value and type_ == "date":
        return fr_date(value)
    if value and type_ == "datetime":
        return fr_date(value, with_time=True)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return fr_number(value)
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fr_number=fr_number, fr_date=fr_date, markdown=markdown, cell=cell)
    env.globals["query_string"] = query_string
    return env
