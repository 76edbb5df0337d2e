"""Reading a dataset's rows — records and exports — through the policy door.

The policy's decision may hide columns or rows; they are removed here, before the query
engine sees the schema, so no later step can leak them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

from socle.core import versions
from socle.core.catalog import get_entry, visible_entries
from socle.core.tableschema import geometry_field
from socle.engine import Export, RecordQuery, export, run_records
from socle.engine.exports import StoredExport, find_stored, serve_stored, store, stored_name
from socle.engine.parser import parse
from socle.engine.records import MAX_WINDOW
from socle.errors import SocleError
from socle.governance.audit import AuditEvent
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
    *,
    max_window: int | None = MAX_WINDOW,
) -> RecordsPage:
    audit = AuditEvent(
        instance.db, "read/records", version=version, query=described(query), background=True
    )
    try:
        chosen, schema, query = _prepare(instance, principal, slug, query, version, audit)
        paths = versions.data_paths(instance, chosen)
        total, rows = run_records(
            paths,
            schema,
            query,
            max_window=max_window,
            geo_cache=versions.derived_dir(instance, chosen, "features"),
            **_limits(instance),
        )
    finally:
        audit.settle()  # the log entry is stored before any answer leaves
    return RecordsPage(chosen, total, rows)


def readable_schema(
    instance: Instance, principal: Principal, slug: str, version: int | None = None
) -> dict[str, Any]:
    """The Table Schema a read would see: the version's, less the columns the policy hides."""
    _, schema, _ = _prepare(instance, principal, slug, RecordQuery(), version, None)
    return schema


def export_records(
    instance: Instance,
    principal: Principal,
    slug: str,
    query: RecordQuery,
    fmt: str,
    version: int | None = None,
    **options: Any,
) -> tuple[Version, Export]:
    """The export of a query; a whole version's export is written once and kept."""
    audit = AuditEvent(
        instance.db,
        "read/export",
        version=version,
        query=described(query),
        details={"format": fmt},
    )
    chosen, schema, restricted = _prepare(instance, principal, slug, query, version, audit)
    if restricted == RecordQuery(limit=None) and schema == chosen.table_schema:
        stored = stored_export(instance, chosen, fmt, **options)
        return chosen, serve_stored(stored, fmt, bom=bool(options.get("bom")))
    memory_limit = instance.settings.query_memory_limit
    paths = versions.data_paths(instance, chosen)
    return chosen, export(paths, schema, restricted, fmt, memory_limit=memory_limit, **options)


def stored_export(instance: Instance, version: Version, fmt: str, **options: Any) -> StoredExport:
    """A version's whole export in ``fmt``, written on first demand (no policy check here)."""
    folder = versions.derived_dir(instance, version, "exports")
    found = find_stored(folder, stored_name(fmt, **options))
    if found is not None:
        return found
    paths = versions.data_paths(instance, version)
    memory_limit = instance.settings.query_memory_limit
    options = {k: v for k, v in options.items() if k != "bom"}
    return store(paths, version.table_schema, fmt, folder, memory_limit=memory_limit, **options)


def prepare_exports(
    instance: Instance, principal: Principal, slugs: list[str] | None, formats: list[str]
) -> Iterator[tuple[str, str, StoredExport | SocleError]]:
    """Write the latest version's whole exports ahead of demand, for every dataset by default.

    Yields each (slug, format, result) as it is done; GeoJSON is only for datasets with a
    geometry; an error on one export is yielded and the others go on.
    """
    wanted = (
        slugs
        if slugs is not None
        else [e.dataset.slug for e in visible_entries(instance, principal)]
    )
    for slug in wanted:
        entry = get_entry(instance, principal, slug)
        if entry.latest is None:
            continue
        geographic = geometry_field(entry.latest.table_schema) is not None
        for fmt in (f for f in formats if f != "geojson" or geographic):
            try:
                yield slug, fmt, stored_export(instance, entry.latest, fmt)
            except SocleError as exc:
                yield slug, fmt, exc


def known_export(
    instance: Instance, version: Version, fmt: str, **options: Any
) -> StoredExport | None:
    """A version's whole export in ``fmt`` if it was already written, without writing it."""
    return find_stored(
        versions.derived_dir(instance, version, "exports"), stored_name(fmt, **options)
    )


def readable_whole(instance: Instance, principal: Principal, slug: str) -> Version | None:
    """The latest version if the caller reads all of it (no hidden column or row), so that
    what is known of its stored exports (size, SHA-256) is true of their download too."""
    entry = get_entry(instance, principal, slug)
    decision = require(principal, Action.READ, entry.dataset)
    if decision.columns is not None or decision.rows is not None:
        return None
    return entry.latest


def read_scope(
    principal: Principal, dataset: Dataset, schema: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """What ``principal`` may read of a version of ``dataset``: its schema with the visible
    fields only, and the row filter (a where expression) or None for every row."""
    decision = require(principal, Action.READ, dataset)
    return _visible_schema(schema, decision), decision.rows


def described(query: RecordQuery) -> dict[str, Any]:
    """The parameters a query sets, as the audit log records them."""
    return {name: value for name, value in asdict(query).items() if value not in (None, False, 0)}


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
    audit: AuditEvent | None,
) -> tuple[Version, dict[str, Any], RecordQuery]:
    entry = get_entry(instance, principal, slug, audit=audit)
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
    if query.where:
        parse("where", query.where)  # errors point into the caller's text, not the filter's
    where = f"({decision.rows}) and ({query.where})" if query.where else decision.rows
    return replace(query, where=where)
