"""Geographic datasets as feature collections (OGC API Features), through the policy door.

A collection is a dataset the caller may read whose latest version has a geometry field the
caller may see; its features are that version's rows. Anything else — a missing, hidden or
non-geographic dataset — is not found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from socle.core import versions
from socle.core.catalog import Entry, get_entry, visible_entries
from socle.core.records import read_scope
from socle.engine.features import FeaturePage, FeatureQuery, Layout, Source
from socle.errors import NotFoundError
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

    def page(self, query: FeatureQuery) -> FeaturePage:
        return self.source.page(replace(query, restriction=self.restriction))

    def feature(self, fid: int) -> str:
        return self.source.feature(fid, self.restriction)


def list_collections(instance: Instance, principal: Principal) -> list[Collection]:
    """Every geographic dataset the caller may read, by title."""
    found = (_collection(instance, principal, e) for e in visible_entries(instance, principal))
    return sorted((c for c in found if c), key=lambda c: c.entry.dataset.title.casefold())


def get_collection(instance: Instance, principal: Principal, slug: str) -> Collection:
    """One geographic dataset the caller may read, or NotFoundError."""
    collection = _collection(instance, principal, get_entry(instance, principal, slug))
    if collection is None:
        raise NotFoundError(f"Collection « {slug} » introuvable : pas de jeu géographique à ce nom")
    return collection


def _collection(instance: Instance, principal: Principal, entry: Entry) -> Collection | None:
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
        cache=versions.cache_dir(instance, version),
        timeout=settings.query_timeout_seconds,
        memory_limit=settings.query_memory_limit,
    )
    return Collection(entry, source, restriction)
