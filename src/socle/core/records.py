"""Reading a dataset's rows — records and exports — through the policy door.

The policy's decision may hide columns or rows; they are removed here, before the query
engine sees the schema, so no later step can leak them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from socle.core import versions
from socle.core.catalog import get_entry
from socle.engine import Export, RecordQuery, export, run_records
from socle.governance.policy import Action, Decision, Principal, require
from socle.instance import Instance
from socle.storage.tables import Dataset, Version


@dataclass
class RecordsPage:
    version: Version
    total_count: int
    results: list[dict[str, Any]]


def read_records(
    instance: Instance,
    principal: Principal,
    slug: str,
    query: RecordQuery,
    version: int | None = None,
) -> RecordsPage:
    chosen, schema, query = _prepare(instance, principal, slug, query, version)
    total, rows = run_records(
        versions.data_paths(instance, chosen), schema, query, **_limits(instance)
    )
    return RecordsPage(chosen, total, rows)


def export_records(
    instance: Instance,
    principal: Principal,
    slug: str,
    query: RecordQuery,
    fmt: str,
    version: int | None = None,
    **options: Any,
) -> tuple[Version, Export]:
    chosen, schema, query = _prepare(instance, principal, slug, query, version)
    memory_limit = instance.settings.query_memory_limit
    paths = versions.data_paths(instance, chosen)
    return chosen, export(paths, schema, query, fmt, memory_limit=memory_limit, **options)


def read_scope(
    principal: Principal, dataset: Dataset, schema: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """What ``principal`` may read of a version of ``dataset``: its schema with the visible
    fields only, and the row filter (a where expression) or None for every row."""
    decision = require(principal, Action.READ, dataset)
    return _visible_schema(schema, decision), decision.rows


def _limits(instance: Instance) -> dict[str, Any]:
    settings = instance.settings
    return {
        "timeout": settings.query_timeout_seconds,
        "memory_limit": settings.query_memory_limit,
    }


def _prepare(
    instance: Instance,
    principal: Principal,
    slug: str,
    query: RecordQuery,
    number: int | None,
) -> tuple[Version, dict[str, Any], RecordQuery]:
    entry = get_entry(instance, principal, slug)
    decision = require(principal, Action.READ, entry.dataset)
    chosen = entry.latest
    if number is not None or chosen is None:
        chosen = versions.get_version(instance, principal, slug, number)
    return chosen, _visible_schema(chosen.table_schema, decision), _restricted(query, decision)


def _visible_schema(schema: dict[str, Any], decision: Decision) -> dict[str, Any]:
    if decision.columns is None:
        return schema
    fields = [f for f in schema.get("fields", []) if f["name"] in decision.columns]
    return {**schema, "fields": fields}


def _restricted(query: RecordQuery, decision: Decision) -> RecordQuery:
    if decision.rows is None:
        return query
    where = f"({decision.rows}) and ({query.where})" if query.where else decision.rows
    return replace(query, where=where)
