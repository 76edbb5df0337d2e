"""Geographic datasets as feature collections (OGC API Features), through the policy door.

A collection is a dataset the caller may read whose latest version has a geometry field the
caller may see; its features are that version's rows. Anything else — a missing, hidden or
non-geographic dataset — is not found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from socle.core import versions
from socle.core.catalog import Entry, all_entries, get_entry, visible_entries, visible_ids
from socle.core.records import read_scope
from socle.core.search_index import current_index
from socle.engine.features import FeaturePage, FeatureQuery, Layout, Source
from socle.errors import NotFoundError
from socle.governance.audit import AuditEvent
from socle.governance.policy import Principal
from socle.instance import Instance


@dataclass(frozen=True)
class Collection:
    """A geographic dataset as the caller may read it."""

    entry: Entry
    source: Source
    restriction: str | None  # the policy's row filter, None for every row

    @property
    def slug(self) -> str:
        return self.entry.dataset.slug

    @property
    def layout(self) -> Layout:
        return self.source.layout

    def extent(self) -> dict[str, Any]:
        """Spatial box and time interval of the rows the caller may see (see Source.extent)."""
        extent = self.source.extent(self.restriction)
        dataset = self.entry.dataset
        if extent["interval"] is None and (dataset.temporal_start or dataset.temporal_end):
            extent["interval"] = [
                f"{day.isoformat()}T00:00:00Z" if day else None
                for day in (dataset.temporal_start, dataset.temporal_end)
            ]
        return extent

    def known_bbox(self) -> list[float] | None:
        """The box of every row if already computed and the caller sees every row; else None."""
        if self.restriction is not None:
            return None
        known = self.source.known_extent()
        return known["bbox"] if known else None

    def page(self, query: FeatureQuery) -> FeaturePage:
        return self.source.page(replace(query, restriction=self.restriction))

    def feature(self, fid: int) -> str:
        return self.source.feature(fid, self.restriction)


def list_collections(instance: Instance, principal: Principal) -> list[Collection]:
    """Every geographic dataset the caller may read, by title: the search index knows which
    datasets are geographic, the catalog's shared entries (loaded once per change) give them."""
    geographic = current_index(instance).ids_with("geo", "oui") & visible_ids(instance, principal)
    entries = (e for e in all_entries(instance) if e.dataset.id in geographic)
    found = (collection_of(instance, principal, e) for e in entries)
    return sorted((c for c in found if c), key=lambda c: c.entry.dataset.title.casefold())


def prepare_extents(
    instance: Instance, principal: Principal, slugs: list[str] | None
) -> Iterator[tuple[str, list[float] | None]]:
    """Compute each geographic dataset's bounds and extent ahead of demand (all by default)."""
    entries = (
        [get_entry(instance, principal, s) for s in slugs]
        if slugs is not None
        else visible_entries(instance, principal)
    )
    for entry in entries:
        if (collection := collection_of(instance, principal, entry)) is not None:
            yield collection.slug, collection.extent()["bbox"]


def get_collection(
    instance: Instance, principal: Principal, slug: str, *, audit: AuditEvent | None = None
) -> Collection:
    """One geographic dataset the caller may read, or NotFoundError; ``audit`` describes
    the read of its features for the log."""
    entry = get_entry(instance, principal, slug, audit=audit)
    collection = collection_of(instance, principal, entry)
    if collection is None:
        raise NotFoundError(f"Collection « {slug} » introuvable : pas de jeu géographique à ce nom")
    return collection


def collection_of(instance: Instance, principal: Principal, entry: Entry) -> Collection | None:
    """The entry as a collection, or None when it is not geographic for this caller."""
    version = entry.latest
    if version is None:
        return None
    schema, restriction = read_scope(principal, entry.dataset, version.table_schema)
    layout = Layout.of(schema)
    if layout is None:
        return None
    [data] = versions.data_paths(instance, version)
    settings = instance.settings
    source = Source(
        data=data,
        layout=layout,
        cache=versions.derived_dir(instance, version, "features"),
        timeout=settings.query_timeout_seconds,
        memory_limit=settings.query_memory_limit,
    )
    return Collection(entry, source, restriction)
