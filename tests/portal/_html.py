"""A structural check of rendered pages: the RGAA basics a parser can see, and nesting.

Not a full HTML validator (none runs offline without Java); it catches what templates
usually break: unclosed or misnested tags, blocks inside paragraphs, duplicate ids,
unlabelled fields, tables without caption or header scope, several h1, inline scripts,
styles and event handlers (the CSP forbids them anyway).
"""

from __future__ import annotations

from html.parser import HTMLParser

# Elements a <p> cannot contain (the browser would close the paragraph before them).
NOT_IN_P = {
    "div",
    "ul",
    "ol",
    "table",
    "form",
    "nav",
    "pre",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.fields: list[str] = []
        self.h1 = 0
        self.tables = 0
        self.captions = 0
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"inline event handler {name} on <{tag}>")
        if "style" in attributes:
            self.problems.append(f"inline style on <{tag}>")
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and "scope" not in attributes:
            self.problems.append("<th> without scope")
        elif tag == "label" and attributes.get("for"):
            self.label_for.append(attributes["for"] or "")
        elif tag == "script" and "src" not in attributes:
            self.problems.append("inline <script>")
        elif tag == "img" and "alt" not in attributes:
            self.problems.append("<img> without alt")
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            field_id = attributes.get("id")
            if not field_id:
                self.problems.append(f"<{tag} name={attributes.get('name')}> without id")
            else:
                self.fields.append(field_id)
        if tag in NOT_IN_P and "p" in self.stack:
            self.problems.append(f"<{tag}> inside <p>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '∅'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def check_page(html: str, lang: str = "fr") -> list[str]:
    """What is wrong with ``html``, a page in ``lang`` (an empty list for a sound page)."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = list(checker.problems)
    if checker.stack:
        problems.append(f"unclosed: {checker.stack}")
    if checker.html_lang != lang:
        problems.append(f'<html lang="{checker.html_lang}">')
    if checker.h1 != 1:
        problems.append(f"{checker.h1} h1")
    if checker.captions != checker.tables:
        problems.append(f"{checker.tables} tables, {checker.captions} captions")
    duplicates = {i for i in checker.ids if checker.ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate ids: {sorted(duplicates)}")
    unlabelled = set(checker.fields) - set(checker.label_for)
    if unlabelled:
        problems.append(f"fields without label: {sorted(unlabelled)}")
    dangling = set(checker.label_for) - set(checker.ids)
    if dangling:
        problems.append(f"labels for missing ids: {sorted(dangling)}")
    return problems
