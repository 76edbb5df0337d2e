"""The Opendatasoft catalog: ODSQL over the metadata of the datasets the caller may see.

Every dataset's metadata is one row of an in-memory table, built once per catalog change
(search_index.derived); each request keeps the rows of the datasets the policy lets the
caller see, then queries them with the same compiler as records, so
``where``/``order_by``/``group_by`` behave alike on both. The table also holds each text
field folded (DuckDB's own ``strip_accents(lower(...))``, computed once), which text search
compares instead of folding 10,000 rows per field at each request.
Field names are ODS's (``title``, ``keyword``, ``publisher``...), also reachable as
``default.title`` and so on, as ODS's ``metas.default`` template names them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from socle.core.catalog import Entry, all_entries, get_entry, visible_ids
from socle.core.ods import (
    RefineError,
    Refinements,
    dataset_metas,
    dataset_view,
    facet_group,
    refined_where,
)
from socle.core.search_index import derived
from socle.engine import RecordQuery, run_records
from socle.engine.compiler import TEXT_SEARCHABLE, TextColumns, folded
from socle.engine.records import bounded_connection
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.sql import identifier

TABLE = "catalog"
# ODS catalog field -> Table Schema type of its column.
FIELDS = {
    "dataset_id": "string",
    "dataset_uid": "string",
    "title": "string",
    "description": "string",
    "theme": "array",
    "keyword": "array",
    "publisher": "string",
    "license": "string",
    "language": "string",
    "territory": "array",
    "modified": "datetime",
    "data_processed": "datetime",
    "records_count": "integer",
    "has_records": "boolean",
    "features": "array",
}
METAS = ("title", "description", "theme", "keyword", "publisher", "license", "language")
ALIASES = {f"default.{name}": name for name in (*METAS, "territory", "modified", "records_count")}
# Text fields and the columns holding them folded; aliases read their field's column.
FOLDED = {name: f"{name}:folded" for name, kind in FIELDS.items() if kind in TEXT_SEARCHABLE}
# A bare string searches each field once, not again under its ``default.*`` alias.
TEXT = TextColumns(
    searched=frozenset(FIELDS),
    folded={**FOLDED, **{alias: FOLDED[n] for alias, n in ALIASES.items() if n in FOLDED}},
)
ALL_FIELDS = {**FIELDS, **{alias: FIELDS[name] for alias, name in ALIASES.items()}}
ARROW_TYPES = {
    "string": pa.string(),
    "array": pa.list_(pa.string()),
    "datetime": pa.timestamp("us"),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}
SCHEMA = {"fields": [{"name": n, "type": t} for n, t in ALL_FIELDS.items()]}
DEFAULT_FACETS = ("theme", "keyword", "publisher", "license", "language", "features")


def _naive_utc(iso: str | None) -> dt.datetime | None:
    if iso is None:
        return None
    return dt.datetime.fromisoformat(iso).astimezone(dt.UTC).replace(tzinfo=None)


def _row(entry: Entry) -> dict[str, Any]:
    metas = dataset_metas(entry, "")
    view = dataset_view(entry, "")
    row = {name: metas.get(name) for name in METAS}
    row.update(
        dataset_id=view["dataset_id"],
        dataset_uid=view["dataset_uid"],
        territory=metas["territory"],
        modified=_naive_utc(metas["modified"]),
        data_processed=_naive_utc(metas["data_processed"]),
        records_count=metas["records_count"],
        has_records=view["has_records"],
        features=view["features"],
    )
    row.update({alias: row[name] for alias, name in ALIASES.items()})
    return row


def _table(instance: Instance, rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as Arrow, with the folded text columns (:data:`FOLDED`) beside them."""
    schema = pa.schema([(n, ARROW_TYPES[t]) for n, t in ALL_FIELDS.items()])
    table = pa.Table.from_pylist(rows, schema=schema)
    columns = ", ".join(f"{folded(identifier(n))} AS {identifier(c)}" for n, c in FOLDED.items())
    settings = instance.settings
    with bounded_connection(settings.query_timeout_seconds, settings.query_memory_limit) as con:
        con.register(TABLE, table)
        # No ORDER BY: DuckDB keeps the scan's order (preserve_insertion_order, on by default).
        extra = con.sql(f"SELECT {columns} FROM {identifier(TABLE)}").to_arrow_table()  # noqa: S608
    for name in FOLDED.values():
        table = table.append_column(name, extra[name])
    return table


@dataclass(frozen=True)
class _Catalog:
    entries: dict[str, Entry]  # by slug
    rows: dict[str, dict[str, Any]]  # by slug
    table: pa.Table


def _whole_catalog(instance: Instance) -> _Catalog:
    entries = {e.dataset.slug: e for e in all_entries(instance)}
    rows = {slug: _row(e) for slug, e in entries.items()}
    return _Catalog(entries, rows, _table(instance, list(rows.values())))


def _run(
    instance: Instance,
    principal: Principal,
    query: RecordQuery,
    refinements: Refinements,
) -> tuple[int, list[dict[str, Any]], dict[str, Entry], dict[str, set[str]]]:
    """Run ``query`` on the visible catalog: total, rows, entries by id, refined values.

    The entries are the whole catalog's: look up only the returned rows' ones.
    """
    catalog = derived(instance, "ods-catalog", _whole_catalog)
    visible = visible_ids(instance, principal)
    table = catalog.table.filter(pc.is_in(catalog.table["dataset_uid"], pa.array(list(visible))))
    where, refined = refined_where(query.where, refinements, ALL_FIELDS)
    settings = instance.settings
    total, rows = run_records(
        TABLE,
        SCHEMA,
        replace(query, where=where),
        timeout=settings.query_timeout_seconds,
        memory_limit=settings.query_memory_limit,
        tables={TABLE: table},
        text_columns=TEXT,
    )
    return total, rows, catalog.entries, refined


def search(
    instance: Instance,
    principal: Principal,
    query: RecordQuery,
    refinements: Refinements,
    base_url: str,
) -> tuple[int, list[dict[str, Any]]]:
    """Datasets in ODS's shape; with ``select``, the selected values only (flat rows)."""
    if query.select and query.select.strip() not in ("", "*"):
        total, rows, _, _ = _run(instance, principal, query, refinements)
        return total, rows
    ordered = replace(query, select="dataset_id", order_by=query.order_by or "dataset_id")
    total, rows, entries, _ = _run(instance, principal, ordered, refinements)
    return total, [dataset_view(entries[r["dataset_id"]], base_url) for r in rows]


def facets(
    instance: Instance,
    principal: Principal,
    where: str | None,
    names: list[str],
    refinements: Refinements,
) -> list[dict[str, Any]]:
    """Value counts of catalog fields over the datasets the query keeps."""
    for name in names:
        if name not in ALL_FIELDS:
            raise RefineError(f"Champ inconnu « {name} » dans « facet »")
    query = RecordQuery(select="dataset_id", where=where, limit=None)
    _, rows, _, refined = _run(instance, principal, query, refinements)
    catalog_rows = derived(instance, "ods-catalog", _whole_catalog).rows
    values = [catalog_rows[r["dataset_id"]] for r in rows]
    groups = []
    for name in names or DEFAULT_FACETS:
        counter: Counter[Any] = Counter()
        for row in values:
            value = row[name]
            counter.update(value if isinstance(value, list) else [value])
        counts = [(v, n) for v, n in counter.most_common() if v is not None]
        groups.append(facet_group(ALIASES.get(name, name), counts, refined.get(name, set())))
    return groups


def get(instance: Instance, principal: Principal, slug: str, base_url: str) -> dict[str, Any]:
    return dataset_view(get_entry(instance, principal, slug), base_url)
