"""The catalog's search index: what search needs of every dataset, kept in memory.

Search must answer in tens of milliseconds over 10,000 datasets. Loading them as ORM
objects and folding their texts at each request took seconds, so each process keeps a
light copy: folded texts with their weights, facet values and labels, sort keys. It is
rebuilt when the catalog changes — a fingerprint of a few aggregates, read at each search,
sees changes made by any process (a CLI ingest, another worker) — and at least every
:data:`MAX_AGE` seconds, since the quality facet includes freshness, which moves with time.

Visibility is never cached here: each search asks the policy which datasets the caller
may see, and the index only ranks and counts within that set.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only, selectinload

from socle.core.quality import current_score
from socle.core.tableschema import geometry_field
from socle.core.vocabularies import FREQUENCIES, LICENCES, THEMES
from socle.instance import Instance
from socle.storage.db import Database
from socle.storage.tables import Dataset, Organization, Version

FACETS = (
    "theme",
    "organization",
    "keyword",
    "format",
    "licence",
    "quality",
    "schema",
    "geo",
    "frequency",
)
# Quality facet: the latest version's score today, in three bands.
QUALITY_LEVELS = {"bon": "80 et plus", "moyen": "de 50 à 79", "faible": "moins de 50"}
# Geo facet: whether the latest version has a geometry field.
GEO_LEVELS = {"oui": "Avec géométrie (carte)", "non": "Sans géométrie"}
MAX_AGE = 600.0


def fold(text: str) -> str:
    """Lower case without accents: « Vélo » and « velo » match."""
    if text.isascii():
        return text.casefold()  # nothing to strip: the common case, ten times faster
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class IndexedDataset:
    """One dataset as search sees it."""

    id: str
    sort_title: str
    # Folded texts and their weights: title 3, keywords 2, description 1, organization 1.
    texts: tuple[tuple[str, int], ...]
    facets: frozenset[tuple[str, str]]

    def score(self, words: list[str]) -> int:
        """Sum of the weights of the texts each word appears in; 0 if a word is missing."""
        total = 0
        for word in words:
            hits = sum(weight for text, weight in self.texts if word in text)
            if not hits:
                return 0
            total += hits
        return total


@dataclass(frozen=True)
class CatalogIndex:
    fingerprint: tuple[Any, ...]
    built_at: float
    datasets: tuple[IndexedDataset, ...]
    # Every (facet, value) pair, its label, and each dataset's pairs as numbers: the
    # pairs of dataset i are pair_ids[offsets[i]:offsets[i + 1]].
    pairs: tuple[tuple[str, str], ...]
    labels: tuple[str, ...]
    pair_ids: np.ndarray
    offsets: np.ndarray
    # Other views of the whole catalog (e.g. the CKAN API's documents), kept as long as this.
    derived: dict[str, Any] = field(default_factory=dict)

    def ids_with(self, facet: str, value: str) -> set[str]:
        """The ids of the datasets carrying the facet value (e.g. ``("geo", "oui")``)."""
        if (facet, value) not in self.pairs:
            return set()
        owner = np.repeat(np.arange(len(self.datasets)), np.diff(self.offsets))
        hits = owner[self.pair_ids == self.pairs.index((facet, value))]
        return {self.datasets[i].id for i in hits}

    def facet_counts(self, positions: list[int]) -> dict[str, list[tuple[str, str, int]]]:
        """(value, label, count) per facet over the datasets at ``positions``."""
        chosen = np.zeros(len(self.datasets), dtype=bool)
        chosen[positions] = True
        counts = np.bincount(
            self.pair_ids[np.repeat(chosen, np.diff(self.offsets))], minlength=len(self.pairs)
        )
        found: dict[str, list[tuple[str, str, int]]] = {f: [] for f in FACETS}
        # Most frequent first; ties in the order of their labels, so listings are stable.
        for pair in sorted(np.flatnonzero(counts), key=lambda p: (-counts[p], self.labels[p])):
            facet, value = self.pairs[pair]
            found[facet].append((value, self.labels[pair], int(counts[pair])))
        return found


_indexes: WeakKeyDictionary[Database, CatalogIndex] = WeakKeyDictionary()
# Re-entrant: a derived view's build may read another derived view (e.g. all entries).
_lock = threading.RLock()


def current_index(instance: Instance) -> CatalogIndex:
    """The index of the instance's catalog, rebuilt first if the catalog changed."""
    with instance.db.session() as session:
        fingerprint = _fingerprint(session)
    index = _indexes.get(instance.db)
    if _fresh(index, fingerprint):
        return index  # type: ignore[return-value]
    with _lock:
        index = _indexes.get(instance.db)
        if not _fresh(index, fingerprint):
            with instance.db.session() as session:
                index = _build(session, fingerprint)
            _indexes[instance.db] = index
    return index  # type: ignore[return-value]


T = TypeVar("T")


def derived(instance: Instance, name: str, build: Callable[[Instance], T]) -> T:
    """A view of the whole catalog computed by ``build``, rebuilt when the index is.

    Like the index, it must hold every dataset: callers filter by what the policy lets the
    caller see at each request.
    """
    index = current_index(instance)
    if name not in index.derived:
        with _lock:
            if name not in index.derived:
                index.derived[name] = build(instance)
    return index.derived[name]  # type: ignore[no-any-return]


def _fresh(index: CatalogIndex | None, fingerprint: tuple[Any, ...]) -> bool:
    return (
        index is not None
        and index.fingerprint == fingerprint
        and time.monotonic() - index.built_at < MAX_AGE
    )


def _fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever a dataset, a version or an organization is added, edited or removed."""
    datasets = session.execute(select(func.count(), func.max(Dataset.modified_at))).one()
    versions = session.execute(select(func.count(), func.max(Version.created_at))).one()
    organizations = session.execute(select(func.count(), func.max(Organization.created_at))).one()
    return (*datasets, *versions, *organizations)


def _build(session: Session, fingerprint: tuple[Any, ...]) -> CatalogIndex:
    # Newest edit first: a search by date keeps this order, one by relevance breaks ties by it.
    datasets = session.scalars(
        select(Dataset)
        .options(selectinload(Dataset.organization), selectinload(Dataset.schema))
        .order_by(Dataset.modified_at.desc(), Dataset.id)
    ).all()
    latest = _latest_summaries(session)
    numbers: dict[tuple[str, str], int] = {}
    labels: list[str] = []
    pair_ids: list[int] = []
    offsets = [0]
    indexed = []
    for d in datasets:
        pairs = _facet_pairs(d, latest.get(d.id))
        for pair in pairs:
            if pair not in numbers:
                numbers[pair] = len(numbers)
                labels.append(_label(d, *pair))
            pair_ids.append(numbers[pair])
        offsets.append(len(pair_ids))
        organization = d.organization.name if d.organization else ""
        texts = (
            (fold(d.title), 3),
            (fold(" ".join(d.keywords)), 2),
            (fold(d.description), 1),
            (fold(organization), 1),
        )
        indexed.append(
            IndexedDataset(
                id=d.id,
                sort_title=fold(d.title),
                texts=texts,
                facets=frozenset(pairs),
            )
        )
    return CatalogIndex(
        fingerprint,
        time.monotonic(),
        tuple(indexed),
        tuple(numbers),
        tuple(labels),
        np.array(pair_ids, dtype=np.int32),
        np.array(offsets, dtype=np.int64),
    )


def _latest_summaries(session: Session) -> dict[str, Version]:
    """Each dataset's latest version, with only the columns search needs."""
    newest = (
        select(Version.dataset_id, func.max(Version.number).label("n"))
        .group_by(Version.dataset_id)
        .subquery()
    )
    rows = session.scalars(
        select(Version)
        .options(
            load_only(
                Version.dataset_id,
                Version.number,
                Version.format,
                Version.quality,
                Version.created_at,
            )
        )
        .join(newest, (Version.dataset_id == newest.c.dataset_id) & (Version.number == newest.c.n))
    ).all()
    return {v.dataset_id: v for v in rows}


def _facet_pairs(dataset: Dataset, version: Version | None) -> list[tuple[str, str]]:
    pairs = [("theme", t) for t in dataset.themes] + [("keyword", k) for k in dataset.keywords]
    if dataset.organization:
        pairs.append(("organization", dataset.organization.slug))
    pairs.append(("licence", dataset.licence))
    if dataset.frequency:
        pairs.append(("frequency", dataset.frequency))
    if dataset.schema is not None:
        pairs.append(("schema", f"{dataset.schema.name}@{dataset.schema.version}"))
    if version is not None:
        pairs.append(("format", version.format))
        pairs.append(("geo", "oui" if geometry_field(version.table_schema) else "non"))
        current = current_score(dataset, version)
        if current is not None:
            pairs.append(("quality", _quality_level(current["score"])))
    return pairs


def _quality_level(score: float) -> str:
    return "bon" if score >= 80 else "moyen" if score >= 50 else "faible"


def _label(dataset: Dataset, facet: str, value: str) -> str:
    if facet == "theme":
        return THEMES.get(value, value)
    if facet == "organization" and dataset.organization:
        return dataset.organization.name
    if facet == "licence":
        return LICENCES.get(value, (value, ""))[0]
    if facet == "quality":
        return QUALITY_LEVELS[value]
    if facet == "geo":
        return GEO_LEVELS[value]
    if facet == "frequency":
        return FREQUENCIES.get(value, value)
    if facet == "schema" and dataset.schema is not None:
        return dataset.schema.title or value
    return value.upper() if facet == "format" else value
