"""The dataset page's preview: one page of rows, sorted by header links, filtered by ``where``.

The preview asks the records service exactly what the API would be asked, so the API call
shown under the table returns the same rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from socle.core.records import read_records
from socle.engine import RecordQuery
from socle.errors import InputError, LimitExceededError, QuerySyntaxError
from socle.governance.policy import Principal
from socle.instance import Instance

ROWS = 20
MAX_PAGE = 500  # offset 9 980: the API's highest offset is 10 000
# Field names the query language reads bare; others are written `between backquotes`.
BARE_NAME = re.compile(r"[^\W\d][\w.]*")
KEYWORDS = {"and", "or", "not", "in", "like", "is", "null", "true", "false", "as", "distinct"}
KEYWORDS |= {"asc", "desc", "search", "date", "count", "sum", "avg", "min", "max"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    sort: Literal["ascending", "descending"] | None
    next_order_by: str | None  # what clicking the header sorts by; None: cannot be sorted


@dataclass(frozen=True)
class FilterError:
    """A preview query that failed: shown beside the form, which keeps what was typed."""

    message: str
    parameter: str | None
    position: int | None
    status: int


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


def columns(fields: list[dict[str, Any]], order_by: str | None) -> list[Column]:
    """Each field with its current sort state and the order its header link asks for."""
    current = (order_by or "").strip()
    result = []
    for field in fields:
        ref = field_reference(field["name"])
        sort: Literal["ascending", "descending"] | None = None
        if ref and current in (ref, f"{ref} asc"):
            sort = "ascending"
        elif ref and current == f"{ref} desc":
            sort = "descending"
        next_order_by = f"{ref} desc" if sort == "ascending" else ref
        result.append(Column(field["name"], field.get("type", "string"), sort, next_order_by))
    return result


def api_call(base: str, slug: str, query: RecordQuery) -> str:
    """The records API URL that returns the rows the preview shows."""
    params = {
        "where": query.where,
        "order_by": query.order_by,
        "limit": query.limit,
        "offset": query.offset or None,
    }
    return f"{base}/api/v1/datasets/{slug}/records?" + urlencode(
        {k: v for k, v in params.items() if v is not None}
    )


def load(
    instance: Instance,
    principal: Principal,
    base: str,
    slug: str,
    fields: list[dict[str, Any]],
    where: str | None,
    order_by: str | None,
    page: int,
) -> Preview | FilterError:
    """The rows of one preview page, or why the visitor's filter or sort cannot run."""
    query = RecordQuery(where=where, order_by=order_by, limit=ROWS, offset=(page - 1) * ROWS)
    try:
        records = read_records(instance, principal, slug, query)
    except (InputError, LimitExceededError) as exc:
        parameter = exc.parameter if isinstance(exc, QuerySyntaxError) else None
        position = exc.position if isinstance(exc, QuerySyntaxError) else None
        return FilterError(exc.message, parameter, position, exc.status)
    return Preview(
        columns=columns(fields, order_by),
        rows=records.results,
        total=records.total_count,
        first=query.offset + 1 if records.results else 0,
        last=query.offset + len(records.results),
        pages=min(math.ceil(records.total_count / ROWS), MAX_PAGE),
        api_call=api_call(base, slug, query),
    )
