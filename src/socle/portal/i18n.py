"""The portal's languages: French (the source, default) and the translations in ``locale/``.

Templates are written in French and marked with ``{% trans %}`` / ``_()``; Babel extracts the
marks (``babel.cfg``) into ``locale/messages.pot`` and each language's ``messages.po`` holds its
translations. The ``.po`` files are read directly at start-up (compiled in memory): there is no
``.mo`` to build, so no step a newcomer or a package build can forget, and no binary to keep
in step with its source.

The visitor's language comes from, in order: a ``?lang=`` parameter (the header's switch, then
remembered in a functional ``lang`` cookie: no consent needed, nothing tracked), that cookie,
the browser's ``Accept-Language``, French.
"""

from __future__ import annotations

import ast
import gettext
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "fr"
# Language code -> its name in itself, as the switch shows it. Adding a language: add it here
# and create its catalog (docs/portal.md, « Langues »).
LANGUAGES = {"fr": "Français", "en": "English"}
PARAMETER = COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


class French(gettext.NullTranslations):
    """The source text as written, with French plurals: « 0 jeu », « 2 jeux »."""

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return msgid2 if n > 1 else msgid1


def load_translations(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``; French is the source text, so it needs none."""
    if lang == DEFAULT:
        return French()
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled)


def _accepted(header: str) -> Iterator[str]:
    """The primary language tags of an ``Accept-Language`` header, preferred first."""
    weighted = []
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.split("-")[0].lower()))
    for _, _, lang in sorted(weighted):
        yield lang


def chosen_language(request: Request) -> str | None:
    """The language the visitor picked with the switch on this request, if any."""
    lang = request.query_params.get(PARAMETER)
    return lang if lang in LANGUAGES else None


def negotiate(request: Request) -> str:
    """The visitor's language: their choice, then their browser's, then French."""
    cookie = request.cookies.get(COOKIE)
    if lang := chosen_language(request) or (cookie if cookie in LANGUAGES else None):
        return lang
    header = request.headers.get("accept-language", "")
    return next((lang for lang in _accepted(header) if lang in LANGUAGES), DEFAULT)


def switch_links(request: Request) -> list[dict[str, str]]:
    """The current page in each language: same path and parameters, ``lang`` replaced."""
    links = []
    for code, name in LANGUAGES.items():
        query = request.url.include_query_params(**{PARAMETER: code}).query
        links.append({"code": code, "name": name, "href": f"{request.url.path}?{query}"})
    return links


# Vocabularies the portal shows, labelled in French in Python: extracted so each language's
# catalog translates them (babel.cfg maps the files to ``extract_vocabularies``).
VOCABULARY_NAMES = {
    "ACCESS_LABELS_FR",
    "LICENCES",
    "THEMES",
    "FREQUENCIES",
    "QUALITY_LEVELS",
    "LABELS_FR",
    "ROLE_LABELS_FR",
    "SCOPE_LABELS_FR",
    "STATUS_LABELS",
    "KIND_LABELS",
    "THANKS",
    "title",
}


def extract_vocabularies(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor: the French labels of the module-level vocabularies in a file.

    A label is a dict's string value, or the first string of a tuple value (a licence's
    name before its URL); ``title = "..."`` class attributes are error titles.
    """
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id in VOCABULARY_NAMES for t in targets):
            continue
        # A dict's values one by one: its keys may be enum members (Status.OPEN: "ouverte").
        for label_node in value.values if isinstance(value, ast.Dict) else [value]:
            try:
                label = ast.literal_eval(label_node)
            except ValueError:
                continue  # a computed value, not a label
            text = label[0] if isinstance(label, tuple) else label
            if isinstance(text, str):
                yield node.lineno, "gettext", text, []
