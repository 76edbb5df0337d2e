"""``datastore_search``: a dataset's rows as CKAN's DataStore serves them.

Filters, ``q`` and ``sort`` become an expression of Socle's query language — field names
from the dataset's own schema (an allow-list), values as quoted literals — and go through
the records reader, so the policy door and the engine's bound parameters apply as for the
native API. A resource id names the dataset (any of its resources, or its name/id as an
alias, as CKAN's DataStore aliases do); the rows are those of the latest version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from socle.core.catalog import Entry, get_entry
from socle.core.ckan.context import CkanContext
from socle.core.ckan.errors import CkanValidationError
from socle.core.ckan.packages import resource_id
from socle.core.ckan.params import MISSING, Params
from socle.core.records import read_records, readable_schema
from socle.core.tableschema import field_types
from socle.core.views import EXPORT_FORMATS
from socle.engine import RecordQuery
from socle.errors import NotFoundError, QuerySyntaxError
from socle.governance.policy import visible_clause
from socle.storage.tables import Dataset

DEFAULT_LIMIT = 100
MAX_LIMIT = 32000  # CKAN's ckan.datastore.search.rows_max: larger limits are lowered to it
# Table Schema type -> the PostgreSQL type name CKAN's DataStore reports.
DATASTORE_TYPES = {
    "string": "text",
    "integer": "int",
    "year": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "geojson": "json",
    "object": "json",
    "array": "json",
}
RECORDS_FORMATS = ("objects", "lists")
_SORT_CLAUSE = re.compile(r'^\s*(?:"((?:[^"]|"")+)"|([^\s"]+))(?:\s+(asc|desc))?\s*$', re.I)
Scalar = str | int | float | bool | None


def datastore_search(ctx: CkanContext, data: dict[str, Any]) -> dict[str, Any]:
    params = Params(data)
    ref = params.text("resource_id") or params.text("id")
    if ref is None:
        params.fail("resource_id", MISSING)
    limit = min(params.integer("limit", DEFAULT_LIMIT), MAX_LIMIT)
    offset = params.integer("offset", 0)
    include_total = params.boolean("include_total", True)
    distinct = params.boolean("distinct", False)
    records_format = params.text("records_format") or "objects"
    if records_format not in RECORDS_FORMATS:
        params.fail("records_format", f"Valeurs possibles : {', '.join(RECORDS_FORMATS)}")
    params.check()
    assert ref is not None
    entry = _resolve(ctx, ref)
    schema = readable_schema(ctx.instance, ctx.principal, entry.dataset.slug)
    types = field_types(schema)
    request = _Request(params, types)
    where = request.where()
    order_by = request.order_by()
    columns = request.columns()
    params.check()
    select_text = ", ".join(_quoted_name(c) for c in columns)
    query = RecordQuery(
        select=select_text,
        where=where,
        group_by=select_text if distinct else None,
        order_by=order_by,
        q=request.fulltext,
        limit=limit,
        offset=offset,
    )
    try:
        page = read_records(ctx.instance, ctx.principal, entry.dataset.slug, query, max_window=None)
    except QuerySyntaxError as exc:
        key = "filters" if data.get("filters") else "q"
        raise CkanValidationError({key: [exc.message]}) from None
    json_columns = [c for c in columns if DATASTORE_TYPES.get(types[c]) == "json"]
    records = [_decoded(row, json_columns) for row in page.results]
    result: dict[str, Any] = {
        "include_total": include_total,
        "resource_id": ref,
        "fields": [_field(f) for f in schema.get("fields", []) if f["name"] in columns],
        "records_format": records_format,
        "records": records
        if records_format == "objects"
        else [[r.get(c) for c in columns] for r in records],
        "limit": limit,
        "offset": offset,
        "_links": _links(data, offset, limit),
        "total_was_estimated": False,
    }
    if include_total:
        result["total"] = page.total_count
    for key in ("filters", "q", "sort", "distinct"):
        if data.get(key) not in (None, ""):
            result[key] = data[key]
    return result


def _resolve(ctx: CkanContext, ref: str) -> Entry:
    """The dataset a resource id (or the dataset's name or id) designates, for this caller."""
    with ctx.instance.db.session() as session:
        rows = session.execute(
            select(Dataset.id, Dataset.slug).where(visible_clause(ctx.principal))
        ).all()
    found = designated(ref, [(r.id, r.slug) for r in rows])
    if found is None:
        raise NotFoundError(f"Ressource « {ref} » introuvable")
    return get_entry(ctx.instance, ctx.principal, found[1])


def designated(ref: str, datasets: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The (id, slug) among ``datasets`` that a resource id, or a dataset's name or id, names."""
    for dataset_id, slug in datasets:
        if ref in (dataset_id, slug) or any(
            ref == resource_id(dataset_id, f) for f in EXPORT_FORMATS
        ):
            return dataset_id, slug
    return None


class _Request:
    """The row-selecting parameters, checked against the schema's fields."""

    def __init__(self, params: Params, types: dict[str, str]) -> None:
        self.params = params
        self.types = types
        self.fulltext: str | None = None

    def known(self, key: str, name: str) -> bool:
        if name in self.types and "`" not in name:
            return True
        self.params.fail(key, f"Champ « {name} » absent de la table")
        return False

    def columns(self) -> list[str]:
        names = self.params.strings("fields") or list(self.types)
        return [n for n in names if self.known("fields", n)]

    def where(self) -> str | None:
        clauses = self._filters() + self._q()
        return " and ".join(clauses) or None

    def _filters(self) -> list[str]:
        filters = self.params.json_value("filters")
        if filters is None:
            return []
        if not isinstance(filters, dict):
            self.params.fail("filters", 'Objet JSON attendu : {"champ": valeur ou [valeurs]}')
            return []
        clauses = []
        for name, value in filters.items():
            if not self.known("filters", name):
                continue
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, Scalar) for v in values):
                self.params.fail("filters", f"« {name} » : valeur ou liste de valeurs attendue")
                continue
            field = _quoted_name(name)
            present = [_literal(v) for v in values if v is not None]
            tests = [f"{field} in ({', '.join(present)})"] if present else []
            if None in values:
                tests.append(f"{field} is null")
            clauses.append(f"({' or '.join(tests)})")
        return clauses

    def _q(self) -> list[str]:
        q = self.params.data.get("q")
        if isinstance(q, str) and q.lstrip().startswith("{"):
            q = self.params.json_value("q")
        if q is None or q == "":
            return []
        if isinstance(q, str):
            self.fulltext = self.params.text("q")
            return []
        if not isinstance(q, dict) or not all(isinstance(v, str) for v in q.values()):
            self.params.fail("q", 'Texte, ou objet JSON {"champ": "texte"} attendu')
            return []
        return [
            f"search({_quoted_name(name)}, {_literal(text)})"
            for name, text in q.items()
            if self.known("q", name)
        ]

    def order_by(self) -> str | None:
        raw = self.params.data.get("sort")
        if raw is None or raw == "":
            return None
        clauses = raw if isinstance(raw, list) else str(raw).split(",")
        terms = []
        for clause in clauses:
            match = _SORT_CLAUSE.fullmatch(clause) if isinstance(clause, str) else None
            if match is None:
                self.params.fail(
                    "sort", f"Tri invalide « {clause} » : attendu « champ [asc|desc] »"
                )
                continue
            name = match.group(1).replace('""', '"') if match.group(1) else match.group(2)
            if self.known("sort", name):
                terms.append(f"{_quoted_name(name)} {(match.group(3) or 'asc').lower()}")
        return ", ".join(terms) or None


def _quoted_name(name: str) -> str:
    """A field of the schema in the query language (names with a backquote are refused)."""
    return f"`{name}`"


def _literal(value: Scalar) -> str:
    """A value as a quoted literal of the query language; the engine binds it as a parameter."""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text.replace("'", "''") + "'"


def _field(spec: dict[str, Any]) -> dict[str, Any]:
    field: dict[str, Any] = {
        "id": spec["name"],
        "type": DATASTORE_TYPES.get(spec.get("type", "string"), "text"),
    }
    info = {k: spec[v] for k, v in (("label", "title"), ("notes", "description")) if spec.get(v)}
    if info:
        field["info"] = info
    return field


def _decoded(row: dict[str, Any], json_columns: list[str]) -> dict[str, Any]:
    """JSON columns as values, as the DataStore returns its json type."""
    for name in json_columns:
        if isinstance(row.get(name), str):
            with suppress(ValueError):
                row[name] = json.loads(row[name])
    return row


def _links(data: dict[str, Any], offset: int, limit: int) -> dict[str, str]:
    """Where this page starts and the next one, as relative URLs like CKAN's."""
    kept = {
        k: json.dumps(v) if isinstance(v, dict | list) else v
        for k, v in data.items()
        if k != "offset" and v is not None
    }
    path = "/api/3/action/datastore_search"
    return {
        "start": f"{path}?{urlencode(kept)}",
        "next": f"{path}?{urlencode({**kept, 'offset': offset + limit})}",
    }
