"""The table explorer: one page of rows, sorted by header links, filtered by ``where`` and by
per-column filters, showing the columns the visitor chose.

The explorer asks the records service exactly what the API would be asked, so the API call
shown under the table returns the same rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from socle.core.records import read_records
from socle.core.tableschema import NUMERIC_TYPES, TEMPORAL_TYPES
from socle.engine import RecordQuery
from socle.errors import InputError, LimitExceededError, QuerySyntaxError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.sql import literal

ROWS = 20
MAX_PAGE = 500  # offset 9 980: the API's highest offset is 10 000
# Field names the query language reads bare; others are written `between backquotes`.
BARE_NAME = re.compile(r"[^\W\d][\w.]*")
KEYWORDS = {"and", "or", "not", "in", "like", "is", "null", "true", "false", "as", "distinct"}
KEYWORDS |= {"asc", "desc", "search", "date", "count", "sum", "avg", "min", "max"}
# Column filters: a text column is searched (accents and case ignored); an ordered one is
# compared, « >= 10 » or « 2024-01-31 » (equality by default).
COMPARED = NUMERIC_TYPES | TEMPORAL_TYPES | {"boolean"}
COMPARISON = re.compile(r"\s*(<=|>=|!=|<|>|=)?\s*(.*?)\s*", re.DOTALL)
FILTER_PREFIX = "f."
POSITION = re.compile(r"position \d+")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    sort: Literal["ascending", "descending"] | None
    next_order_by: str | None  # what clicking the header sorts by; None: cannot be sorted


@dataclass(frozen=True)
class FilterError:
    """A query that failed: shown beside the form, which keeps what was typed.

    ``parameter`` is ``where``, ``order_by``, or the ``f.<column>`` filter at fault.
    """

    message: str
    parameter: str | None
    position: int | None
    status: int


@dataclass(frozen=True)
class TableState:
    """What the visitor asked for, all of it in the query string so a table is linkable."""

    where: str | None = None
    order_by: str | None = None
    page: int = 1
    chosen: tuple[str, ...] = ()  # columns shown, in schema order; empty: all of them
    filters: dict[str, str] = field(default_factory=dict)  # column -> what was typed

    def params(self) -> dict[str, Any]:
        """The query string parameters that rebuild this state (without the page)."""
        return {
            "where": self.where,
            "order_by": self.order_by,
            "colonne": list(self.chosen),
            **{FILTER_PREFIX + name: text for name, text in self.filters.items()},
        }


@dataclass(frozen=True)
class Preview:
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: int
    first: int
    last: int
    pages: int
    api_call: str


def field_reference(name: str) -> str | None:
    """``name`` as the query language reads it, or None if it cannot be written."""
    if BARE_NAME.fullmatch(name) and name.lower() not in KEYWORDS:
        return name
    return None if "`" in name else f"`{name}`"


def table_state(
    fields: list[dict[str, Any]],
    query: list[tuple[str, str]],
    where: str | None,
    order_by: str | None,
    page: int,
) -> TableState:
    """The state from the request's query string; unknown columns are ignored."""
    names = [f["name"] for f in fields if field_reference(f["name"])]
    wanted = {value for key, value in query if key == "colonne"}
    filters = {
        key[len(FILTER_PREFIX) :]: value.strip()
        for key, value in query
        if key.startswith(FILTER_PREFIX) and value.strip() and key[len(FILTER_PREFIX) :] in names
    }
    chosen = tuple(n for n in names if n in wanted)
    return TableState(where, order_by, page, chosen if chosen != tuple(names) else (), filters)


def column_condition(name: str, type_: str, text: str) -> str:
    """One column filter in the query language; the typed value is always a quoted literal."""
    ref = field_reference(name)
    if type_ not in COMPARED:
        return f"search({ref}, {literal(text)})"
    match = COMPARISON.fullmatch(text)
    assert match is not None  # the pattern matches any text
    return f"{ref} {match[1] or '='} {literal(match[2])}"


def columns(fields: list[dict[str, Any]], order_by: str | None) -> list[Column]:
    """Each field with its current sort state and the order its header link asks for."""
    current = (order_by or "").strip()
    result = []
    for f in fields:
        ref = field_reference(f["name"])
        sort: Literal["ascending", "descending"] | None = None
        if ref and current in (ref, f"{ref} asc"):
            sort = "ascending"
        elif ref and current == f"{ref} desc":
            sort = "descending"
        next_order_by = f"{ref} desc" if sort == "ascending" else ref
        result.append(Column(f["name"], f.get("type", "string"), sort, next_order_by))
    return result


def api_call(base: str, slug: str, query: RecordQuery) -> str:
    """The records API URL that returns the rows (or groups) a table or chart shows."""
    params = {
        "select": query.select,
        "where": query.where,
        "group_by": query.group_by,
        "order_by": query.order_by,
        "limit": query.limit,
        "offset": query.offset or None,
    }
    return f"{base}/api/v1/datasets/{slug}/records?" + urlencode(
        {k: v for k, v in params.items() if v is not None}
    )


@dataclass(frozen=True)
class _Where:
    """The query's ``where``: column filters first, then the visitor's own, in parentheses."""

    text: str | None
    starts: list[tuple[int, str]]  # offset of each column filter in ``text``
    user_offset: int  # where the visitor's ``where`` starts in ``text``

    def blame(self, error: QuerySyntaxError) -> FilterError:
        """The error, pinned on the column filter or the visitor's text that caused it."""
        position = error.position
        if error.parameter != "where" or position is None or not self.starts:
            return FilterError(error.message, error.parameter, position, error.status)
        if position >= self.user_offset:
            shifted = position - self.user_offset
            message = POSITION.sub(f"position {shifted}", error.message)
            return FilterError(message, "where", shifted, error.status)
        column = next(name for start, name in reversed(self.starts) if start <= position)
        message = error.message.split(" (« where »")[0]
        return FilterError(message, FILTER_PREFIX + column, None, error.status)


def _where(fields: list[dict[str, Any]], state: TableState) -> _Where:
    types = {f["name"]: f.get("type", "string") for f in fields}
    parts: list[str] = []
    starts: list[tuple[int, str]] = []
    offset = 0
    for name, text in state.filters.items():
        starts.append((offset, name))
        parts.append(column_condition(name, types[name], text))
        offset += len(parts[-1]) + len(" and ")
    if not parts:
        return _Where(state.where, [], 0)
    if state.where and state.where.strip():
        parts.append(f"({state.where})")
        return _Where(" and ".join(parts), starts, offset + 1)
    return _Where(" and ".join(parts), starts, offset)


def load(
    instance: Instance,
    principal: Principal,
    base: str,
    slug: str,
    fields: list[dict[str, Any]],
    state: TableState,
) -> Preview | FilterError:
    """The rows of one page, or why the visitor's filter or sort cannot run."""
    shown = [f for f in fields if not state.chosen or f["name"] in state.chosen]
    select = ", ".join(str(field_reference(f["name"])) for f in shown) if state.chosen else None
    where = _where(fields, state)
    query = RecordQuery(
        select=select,
        where=where.text,
        order_by=state.order_by,
        limit=ROWS,
        offset=(state.page - 1) * ROWS,
    )
    try:
        records = read_records(instance, principal, slug, query)
    except QuerySyntaxError as exc:
        return where.blame(exc)
    except (InputError, LimitExceededError) as exc:
        return FilterError(exc.message, None, None, exc.status)
    return Preview(
        columns=columns(shown, state.order_by),
        rows=records.results,
        total=records.total_count,
        first=query.offset + 1 if records.results else 0,
        last=query.offset + len(records.results),
        pages=min(math.ceil(records.total_count / ROWS), MAX_PAGE),
        api_call=api_call(base, slug, query),
    )
