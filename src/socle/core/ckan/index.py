"""What CKAN's search index holds about a dataset, built from the datasets the caller may see.

CKAN answers ``package_search`` from a Solr index with one document per dataset; here the
same document is built on the fly from a catalog entry, so ``q``, ``fq``, sorts and facets
read one flat record per dataset and never anything the policy hid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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


@dataclass
class Document:
    """One dataset as the search index sees it."""

    entry: Entry
    keywords: dict[str, list[str]] = field(default_factory=dict)
    dates: dict[str, datetime] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    _folded: dict[str, list[str]] = field(default_factory=dict)
    _folded_texts: dict[str, str] = field(default_factory=dict)

    def folded(self, name: str) -> list[str]:
        """A keyword field's values without case or accents, folded once when first asked."""
        if name not in self._folded:
            self._folded[name] = [fold(v) for v in self.keywords[name]]
        return self._folded[name]

    def folded_text(self, name: str) -> str:
        if name not in self._folded_texts:
            self._folded_texts[name] = fold(self.texts[name])
        return self._folded_texts[name]


def document(entry: Entry) -> Document:
    d, org = entry.dataset, entry.organization
    formats = resource_formats(entry)
    texts = {"title": d.title, "notes": d.description or ""}
    texts["text"] = " ".join(
        [d.slug, d.title, d.description or "", *d.keywords, org.name if org else ""]
    )
    return Document(
        entry=entry,
        keywords={
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
        },
        dates={"metadata_created": as_utc(d.created_at), "metadata_modified": modified(entry)},
        numbers={"num_resources": len(formats), "num_tags": len(d.keywords)},
        texts=texts,
    )
