"""Parsing query parameters with a real LALR parser, and bounding what a caller may send.

Errors become QuerySyntaxError with the parameter's name and the 0-based position of the
problem, in French; oversized input becomes LimitExceededError before any parsing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lark import Lark, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from socle.errors import LimitExceededError, QuerySyntaxError

MAX_LENGTH = 4000
MAX_NESTING = 32
MAX_NODES = 1000
MAX_DEPTH = 64
PARAMETERS = ("where", "select", "group_by", "order_by")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, start=list(PARAMETERS), parser="lalr", propagate_positions=True)


def _nesting(text: str) -> int:
    """Deepest parenthesis nesting outside quoted strings."""
    depth = deepest = 0
    quote: str | None = None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def parse(parameter: str, text: str) -> Tree:
    """The syntax tree of one query parameter."""
    if len(text) > MAX_LENGTH:
        raise LimitExceededError(
            f"Paramètre « {parameter} » trop long ({len(text)} caractères, {MAX_LENGTH} au plus)"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QuerySyntaxError(
            "Caractère invalide", parameter=parameter, position=exc.start
        ) from None
    if "\x00" in text:
        raise QuerySyntaxError(
            "Caractère nul interdit", parameter=parameter, position=text.index("\x00")
        )
    if _nesting(text) > MAX_NESTING:
        raise LimitExceededError(
            f"Paramètre « {parameter} » trop imbriqué ({MAX_NESTING} niveaux au plus)"
        )
    try:
        tree = _parser().parse(text, start=parameter)
    except UnexpectedInput as exc:
        raise _syntax_error(parameter, text, exc) from None
    if sum(1 for _ in tree.iter_subtrees()) > MAX_NODES or _depth(tree) > MAX_DEPTH:
        raise LimitExceededError(f"Paramètre « {parameter} » trop complexe")
    return tree


def _depth(tree: Tree) -> int:
    """Depth of the tree, measured without recursion (the compiler recurses on it)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return deepest


def _syntax_error(parameter: str, text: str, exc: UnexpectedInput) -> QuerySyntaxError:
    position = exc.pos_in_stream if exc.pos_in_stream is not None else len(text)
    at_end = isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    if isinstance(exc, UnexpectedEOF) or at_end or position >= len(text):
        message = "Expression incomplète"
        position = len(text)
    elif isinstance(exc, UnexpectedCharacters):
        message = f"Caractère inattendu « {text[position]} »"
    elif isinstance(exc, UnexpectedToken):
        message = f"« {exc.token} » inattendu"
    else:
        message = "Syntaxe invalide"
    pointer = f"{text}\n{' ' * position}^"
    return QuerySyntaxError(
        f"{message} dans « {parameter} », position {position}",
        parameter=parameter,
        position=position,
        detail=pointer,
    )
