"""Jinja2 environments of the portal: autoescaping, translations and formats, safe Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

from socle.portal.formats import FORMATS, filters
from socle.portal.i18n import DEFAULT, LANGUAGES, load_translations


def _shift_headings(state: StateCore) -> None:
    """A description's « # Titre » becomes an h2: the page keeps its one h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


# Descriptions are user input: raw HTML in them is shown as text, never interpreted, and
# markdown-it refuses javascript: and data: links by default.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
MARKDOWN.core.ruler.push("shift_headings", _shift_headings)


def markdown(text: str | None) -> Markup:
    return Markup(MARKDOWN.render(text or ""))


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one).

    A list value is a repeated parameter (``colonne=a&colonne=b``).
    """
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", [])}, doseq=True)


def make_environment(lang: str = DEFAULT) -> Environment:
    """The templates in one language: its translations and its formats."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # {% trans %} blocks are written on several lines; their msgids are on one.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(load_translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters(FORMATS[lang]), markdown=markdown)
    env.globals.update(query_string=query_string, lang=lang)
    return env


def make_environments() -> dict[str, Environment]:
    """One environment per language, so compiled templates and imported macros never mix."""
    return {lang: make_environment(lang) for lang in LANGUAGES}
