"""Jinja2 environment of the portal: autoescaping, French formats, safe Markdown."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

NARROW_NBSP = "\u202f"
PARIS = ZoneInfo("Europe/Paris")


def _shift_headings(state: StateCore) -> None:
    """A description's « # Titre » becomes an h2: the page keeps its one h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


# Descriptions are user input: raw HTML in them is shown as text, never interpreted, and
# markdown-it refuses javascript: and data: links by default.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
MARKDOWN.core.ruler.push("shift_headings", _shift_headings)


def fr_number(value: Any) -> str:
    """1234567.5 -> « 1 234 567,5 » (narrow no-break spaces, decimal comma, no rounding)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", NARROW_NBSP)
    if isinstance(value, float | Decimal) and math.isfinite(value):
        whole, _, decimals = f"{value:,.10f}".rstrip("0").partition(".")
        text = whole.replace(",", NARROW_NBSP)
        return f"{text},{decimals}" if decimals else text
    return str(value)


BYTE_UNITS = ("octets", "ko", "Mo", "Go", "To")


def fr_bytes(size: int) -> str:
    """1234567 -> « 1,2 Mo » (powers of 1000, as file managers show them nowadays)."""
    value, unit = float(size), 0
    while value >= 1000 and unit < len(BYTE_UNITS) - 1:
        value, unit = value / 1000, unit + 1
    shown = fr_number(int(value)) if unit == 0 else fr_number(round(value, 1))
    return f"{shown}\u00a0{BYTE_UNITS[unit]}"


def fr_date(value: Any) -> str:
    """A calendar date (temporal coverage, a data value) as dd/mm/yyyy."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def fr_timestamp(value: Any, with_time: bool = True) -> str:
    """When something happened in Socle, in Paris time (naive values are UTC, as stored)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def markdown(text: str | None) -> Markup:
    return Markup(MARKDOWN.render(text or ""))


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one).

    A list value is a repeated parameter (``colonne=a&colonne=b``).
    """
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", [])}, doseq=True)


def cell(value: Any, type_: str = "string") -> str:
    """A preview cell as a French reader expects it: dates dd/mm/yyyy, 1 234,5, oui/non.

    Data values are shown as they are in the file: no time zone conversion.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return fr_number(value)
    text = str(value)
    if text and type_ in ("date", "datetime"):
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if type_ == "date":
            return parsed.strftime("%d/%m/%Y")
        return parsed.strftime("%d/%m/%Y %H:%M:%S" if parsed.second else "%d/%m/%Y %H:%M")
    return text if len(text) <= 120 else text[:117] + "…"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        fr_number=fr_number,
        fr_bytes=fr_bytes,
        fr_date=fr_date,
        fr_timestamp=fr_timestamp,
        markdown=markdown,
        cell=cell,
    )
    env.globals["query_string"] = query_string
    return env
