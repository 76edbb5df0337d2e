"""What CKAN's search index holds about a dataset: one flat, pre-folded record per dataset.

CKAN answers ``package_search`` from a Solr index with one document per dataset; here the
same document is built from a catalog entry once per catalog change (search_index.derived),
with every value already folded, so ``q``, ``fq``, sorts and facets read plain strings at
each request, and facet values numbered, so facet counts are one numpy bincount. Searches
keep only the documents of the datasets the policy lets the caller see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from socle.core.catalog import Entry, fold
from socle.core.ckan.packages import FORMAT_NAMES, modified, resource_formats
from socle.storage.tables import as_utc

# Exact-value fields (Solr "string"), matched without case or accents.
KEYWORD_FIELDS = frozenset(
    {
        "id",
        "name",
        "organization",
        "owner_org",
        "tags",
        "res_format",
        "license_id",
        "groups",
        "capacity",
        "state",
        "dataset_type",
        "type",
    }
)
# Tokenised text fields: a word matches where it appears.
TEXT_FIELDS = frozenset({"text", "title", "notes"})
DATE_FIELDS = frozenset({"metadata_created", "metadata_modified"})
NUMBER_FIELDS = frozenset({"num_resources", "num_tags"})
FIELDS = KEYWORD_FIELDS | TEXT_FIELDS | DATE_FIELDS | NUMBER_FIELDS
# Fields package_search may facet on, and sort on.
FACET_FIELDS = frozenset({"organization", "tags", "res_format", "license_id", "groups"})
SORT_FIELDS = frozenset(
    {"score", "name", "title", "title_string", "id"} | DATE_FIELDS | NUMBER_FIELDS
)


@dataclass(frozen=True)
class Document:
    """One dataset as the search index sees it; ``folded*`` hold the values without case or
    accents, computed once when the document is built (the texts, and the name for relevance)."""

    id: str
    position: int  # in Catalog.documents
    entry: Entry
    keywords: dict[str, list[str]]
    dates: dict[str, datetime]
    numbers: dict[str, int]
    texts: dict[str, str]
    folded_keywords: dict[str, list[str]]
    folded_texts: dict[str, str]

    def folded(self, name: str) -> list[str]:
        """A keyword field's values without case or accents."""
        return self.folded_keywords[name]

    def folded_text(self, name: str) -> str:
        return self.folded_texts[name]


@dataclass(frozen=True)
class FacetColumn:
    """A facet field's values as numbers: document i has ``ids[offsets[i]:offsets[i + 1]]``."""

    values: tuple[str, ...]
    ids: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, documents: list[Document], field: str) -> FacetColumn:
        numbers: dict[str, int] = {}
        ids: list[int] = []
        offsets = [0]
        for d in documents:
            ids.extend(numbers.setdefault(v, len(numbers)) for v in d.keywords[field])
            offsets.append(len(ids))
        return cls(tuple(numbers), np.array(ids, dtype=np.int32), np.array(offsets, np.int64))

    def counts(self, chosen: np.ndarray) -> dict[str, int]:
        """How many times each value occurs in the documents ``chosen`` (a boolean mask)."""
        taken = self.ids[np.repeat(chosen, np.diff(self.offsets))]
        counts = np.bincount(taken, minlength=len(self.values))
        return {self.values[i]: int(counts[i]) for i in np.flatnonzero(counts)}


@dataclass(frozen=True)
class Catalog:
    """Every dataset's document, the facet fields' columns, organizations' names by slug."""

    documents: list[Document]
    facets: dict[str, FacetColumn]
    organization_names: dict[str, str]

    @classmethod
    def of(cls, entries: list[Entry]) -> Catalog:
        documents = [document(e, position) for position, e in enumerate(entries)]
        return cls(
            documents,
            {f: FacetColumn.of(documents, f) for f in FACET_FIELDS},
            {e.organization.slug: e.organization.name for e in entries if e.organization},
        )

    def chosen(self, documents: list[Document]) -> np.ndarray:
        """A boolean mask of ``documents`` over the whole catalog."""
        mask = np.zeros(len(self.documents), dtype=bool)
        mask[[d.position for d in documents]] = True
        return mask


def document(entry: Entry, position: int) -> Document:
    d, org = entry.dataset, entry.organization
    formats = resource_formats(entry)
    texts = {"title": d.title, "notes": d.description or ""}
    texts["text"] = " ".join(
        [d.slug, d.title, d.description or "", *d.keywords, org.name if org else ""]
    )
    keywords = {
        "id": [d.id],
        "name": [d.slug],
        "organization": [org.slug] if org else [],
        "owner_org": [org.id] if org else [],
        "tags": list(d.keywords),
        "res_format": [FORMAT_NAMES[f] for f in formats],
        "license_id": [d.licence],
        "groups": [],
        "capacity": ["public" if d.access == "public" else "private"],
        "state": ["active"],
        "dataset_type": ["dataset"],
        "type": ["dataset"],
    }
    return Document(
        id=d.id,
        position=position,
        entry=entry,
        keywords=keywords,
        dates={"metadata_created": as_utc(d.created_at), "metadata_modified": modified(entry)},
        numbers={"num_resources": len(formats), "num_tags": len(d.keywords)},
        texts=texts,
        folded_keywords={k: [fold(v) for v in values] for k, values in keywords.items()},
        folded_texts={k: fold(v) for k, v in {**texts, "name": d.slug}.items()},
    )
