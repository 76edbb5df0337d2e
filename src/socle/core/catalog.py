"""The catalog: finding, reading and editing datasets' metadata, always through the policy.

Search runs over the datasets the caller may see, so totals and facet counts never reveal
what is hidden. Catalogs hold hundreds to a few thousand entries: ranking in Python over the
visible set is simple and fast enough; a search index can replace it behind this function.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from socle.core.metadata import DatasetMetadata, check_slug
from socle.core.quality import current_score
from socle.core.vocabularies import LICENCES, THEMES
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.policy import Action, Principal, require, visible_clause
from socle.instance import Instance
from socle.storage.tables import Dataset, Organization, Version

SortKey = Literal["relevance", "date", "title"]
FACETS = ("theme", "organization", "keyword", "format", "licence", "quality")
# Quality facet: the latest version's score today, in three bands.
QUALITY_LEVELS = {"bon": "80 et plus", "moyen": "de 50 à 79", "faible": "moins de 50"}
MAX_PAGE_SIZE = 100


@dataclass
class Entry:
    """A dataset with what listings show about it."""

    dataset: Dataset
    organization: Organization | None
    latest: Version | None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    total_count: int
    entries: list[Entry]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def fold(text: str) -> str:
    """Lower case without accents: « Vélo » and « velo » match."""
    if text.isascii():
        return text.casefold()  # nothing to strip: the common case, ten times faster
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def get_entry(instance: Instance, principal: Principal, slug: str) -> Entry:
    """One dataset the caller may read, or NotFoundError."""
    with instance.db.session() as session:
        dataset = session.scalar(
            select(Dataset)
            .options(selectinload(Dataset.organization), selectinload(Dataset.schema))
            .where(Dataset.slug == slug)
        )
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        require(principal, Action.READ, dataset)
        latest = _latest_versions(session, [dataset.id]).get(dataset.id)
        return Entry(dataset, dataset.organization, latest)


def search(
    instance: Instance,
    principal: Principal,
    *,
    q: str | None = None,
    filters: dict[str, str | None] | None = None,
    sort: SortKey | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchResult:
    """Full-text search with facets over what ``principal`` may see."""
    if page < 1:
        raise InputError("Le numéro de page commence à 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"La taille de page doit être entre 1 et {MAX_PAGE_SIZE}")
    active = {k: v for k, v in (filters or {}).items() if v}
    unknown = set(active) - set(FACETS)
    if unknown:
        raise InputError(f"Filtre(s) inconnu(s) : {sorted(unknown)}")
    entries = visible_entries(instance, principal)
    words = fold(q).split() if q else []
    scored = [(e, _score(e, words)) for e in entries]
    matched = [(e, s) for e, s in scored if s > 0 or not words]
    filtered = [
        (e, s) for e, s in matched if all(v in _facet_values(e, k) for k, v in active.items())
    ]
    sort = sort or ("relevance" if words else "date")
    if sort == "title":
        filtered.sort(key=lambda es: fold(es[0].dataset.title))
    elif sort == "relevance":
        filtered.sort(key=lambda es: (-es[1], -_timestamp(es[0])))
    else:
        filtered.sort(key=lambda es: -_timestamp(es[0]))
    start = (page - 1) * page_size
    return SearchResult(
        total_count=len(filtered),
        entries=[e for e, _ in filtered[start : start + page_size]],
        facets=_facets(e for e, _ in filtered),
    )


def totals(instance: Instance, principal: Principal) -> tuple[int, int]:
    """How many datasets ``principal`` may see, and how many rows their latest versions hold."""
    entries = visible_entries(instance, principal)
    return len(entries), sum(e.latest.row_count for e in entries if e.latest)


def update_dataset(
    instance: Instance, principal: Principal, slug: str, metadata: DatasetMetadata
) -> Dataset:
    """Apply the fields the user set; the stable identifier never changes."""
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        require(principal, Action.WRITE, dataset)
        apply_metadata(dataset, metadata)
    return dataset


def rename_dataset(instance: Instance, principal: Principal, slug: str, new_slug: str) -> Dataset:
    check_slug(new_slug)
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        require(principal, Action.WRITE, dataset)
        if session.scalar(select(Dataset.id).where(Dataset.slug == new_slug)):
            raise ConflictError(f"L'identifiant « {new_slug} » est déjà pris")
        dataset.slug = new_slug
        dataset.modified_at = datetime.now(UTC)
    return dataset


def apply_metadata(dataset: Dataset, metadata: DatasetMetadata) -> None:
    for name, value in metadata.changes().items():
        setattr(dataset, name, value.value if name == "access" and value else value)
    if (
        dataset.temporal_start
        and dataset.temporal_end
        and dataset.temporal_start > dataset.temporal_end
    ):
        raise InputError("La couverture temporelle se termine avant de commencer")
    dataset.modified_at = datetime.now(UTC)


def visible_entries(instance: Instance, principal: Principal) -> list[Entry]:
    """Every dataset the principal may see, with its organization and latest version."""
    with instance.db.session() as session:
        datasets = session.scalars(
            select(Dataset)
            .options(selectinload(Dataset.organization), selectinload(Dataset.schema))
            .where(visible_clause(principal))
        ).all()
        latest = _latest_versions(session, [d.id for d in datasets])
    return [Entry(d, d.organization, latest.get(d.id)) for d in datasets]


def _latest_versions(session: Session, dataset_ids: list[str]) -> dict[str, Version]:
    if not dataset_ids:
        return {}
    newest = (
        select(Version.dataset_id, func.max(Version.number).label("n"))
        .where(Version.dataset_id.in_(dataset_ids))
        .group_by(Version.dataset_id)
        .subquery()
    )
    rows = session.scalars(
        select(Version).join(
            newest, (Version.dataset_id == newest.c.dataset_id) & (Version.number == newest.c.n)
        )
    ).all()
    return {v.dataset_id: v for v in rows}


def _score(entry: Entry, words: list[str]) -> int:
    if not words:
        return 0
    d = entry.dataset
    fields = (
        (fold(d.title), 3),
        (fold(" ".join(d.keywords)), 2),
        (fold(d.description), 1),
        (fold(entry.organization.name if entry.organization else ""), 1),
    )
    total = 0
    for word in words:
        hits = sum(weight for text, weight in fields if word in text)
        if not hits:
            return 0
        total += hits
    return total


def _timestamp(entry: Entry) -> float:
    return entry.dataset.modified_at.timestamp()


def _facet_values(entry: Entry, facet: str) -> list[str]:
    d = entry.dataset
    if facet == "theme":
        return list(d.themes)
    if facet == "organization":
        return [entry.organization.slug] if entry.organization else []
    if facet == "keyword":
        return list(d.keywords)
    if facet == "format":
        return [entry.latest.format] if entry.latest else []
    if facet == "quality":
        return [level] if (level := _quality_level(entry)) else []
    return [d.licence]


def _quality_level(entry: Entry) -> str | None:
    current = current_score(entry.dataset, entry.latest) if entry.latest else None
    if current is None:
        return None
    return "bon" if current["score"] >= 80 else "moyen" if current["score"] >= 50 else "faible"


def _facet_label(entry: Entry, facet: str, value: str) -> str:
    if facet == "theme":
        return THEMES.get(value, value)
    if facet == "organization" and entry.organization:
        return entry.organization.name
    if facet == "licence":
        return LICENCES.get(value, (value, ""))[0]
    if facet == "quality":
        return QUALITY_LEVELS[value]
    return value.upper() if facet == "format" else value


def _facets(entries: Iterable[Entry]) -> dict[str, list[FacetValue]]:
    counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    labels: dict[tuple[str, str], str] = {}
    for entry in entries:
        for facet in FACETS:
            for value in _facet_values(entry, facet):
                counts[facet][value] += 1
                labels.setdefault((facet, value), _facet_label(entry, facet, value))
    return {
        facet: [FacetValue(v, labels[(facet, v)], n) for v, n in counter.most_common()]
        for facet, counter in counts.items()
    }
