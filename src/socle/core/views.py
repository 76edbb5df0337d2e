"""JSON views of catalog objects, shared by the API, the portal and the CLI.

One function per object, so a page and its JSON twin cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from socle.core.catalog import Entry, FacetValue, SearchResult
from socle.core.quality import current_score
from socle.core.vocabularies import ACCESS_LABELS_FR, FREQUENCIES, LICENCES, THEMES
from socle.storage.tables import Dataset, Organization, RegisteredSchema, Version, as_utc

EXPORT_FORMATS = ("csv", "json", "geojson", "parquet", "xlsx")


def utc_iso(moment: dt.datetime) -> str:
    """ISO 8601 with its offset: SQLite hands back naive datetimes, stored in UTC."""
    return as_utc(moment).astimezone(dt.UTC).isoformat()


def dataset_link(dataset: Dataset, base: str) -> dict[str, str]:
    """A dataset named in another record (a reuse, an algorithm): its title, page and API."""
    return {
        "slug": dataset.slug,
        "title": dataset.title,
        "page": f"{base}/jeux-de-donnees/{dataset.slug}",
        "api": f"{base}/api/v1/datasets/{dataset.slug}",
    }


def organization_view(org: Organization, dataset_count: int | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "slug": org.slug,
        "name": org.name,
        "siren": org.siren,
        "kind": org.kind,
        "description": org.description,
        "website": org.website,
    }
    if dataset_count is not None:
        view["dataset_count"] = dataset_count
    return view


def version_view(version: Version) -> dict[str, Any]:
    return {
        "number": version.number,
        "created_at": utc_iso(version.created_at),
        "created_by": version.created_by,
        "method": version.method,
        "rolled_back_from": version.rolled_back_from,
        "source_name": version.source_name,
        "format": version.format,
        "row_count": version.row_count,
        "data_bytes": version.data_bytes,
        "raw_bytes": version.raw_bytes,
        "checksums": {"raw_sha256": version.raw_sha256, "data_sha256": version.data_sha256},
        "schema": version.table_schema,
        "details": version.details,
        "warnings": version.warnings,
        "quality": version.quality,
        "purged_at": utc_iso(version.purged_at) if version.purged_at else None,
    }


def schema_view(record: RegisteredSchema, base_url: str, *, full: bool = False) -> dict[str, Any]:
    """A registered schema version; ``full`` adds the descriptor as imported."""
    ref = f"{record.name}@{record.version}"
    view: dict[str, Any] = {
        "id": ref,
        "name": record.name,
        "version": record.version,
        "title": record.title,
        "description": record.description,
        "url": record.url,
        "source": record.source,
        "sha256": record.sha256,
        "fields": len(record.descriptor.get("fields", [])),
        "warnings": record.warnings,
        "created_at": utc_iso(record.created_at),
        "links": {
            "self": f"{base_url}/api/v1/schemas/{ref}",
            "portal": f"{base_url}/schemas/{ref}",
        },
    }
    if full:
        view["descriptor"] = record.descriptor
    return view


def dataset_view(entry: Entry, base_url: str, *, full: bool = True) -> dict[str, Any]:
    """A dataset as the API returns it; ``full`` adds the schema and latest version."""
    d = entry.dataset
    api = f"{base_url}/api/v1/datasets/{d.slug}"
    view: dict[str, Any] = {
        "id": d.id,
        "slug": d.slug,
        "title": d.title,
        "description": d.description,
        "organization": organization_view(entry.organization) if entry.organization else None,
        "themes": d.themes,
        "theme_labels": [THEMES.get(t, t) for t in d.themes],
        "keywords": d.keywords,
        "licence": d.licence,
        "licence_label": LICENCES.get(d.licence, (d.licence, ""))[0],
        "licence_url": LICENCES.get(d.licence, ("", ""))[1] or None,
        "access": d.access,
        "personal_data": bool(d.personal_data),
        "access_label": ACCESS_LABELS_FR.get(d.access, d.access),
        "contact_name": d.contact_name,
        "contact_email": d.contact_email,
        "spatial": d.spatial,
        "temporal": {
            "start": d.temporal_start.isoformat() if d.temporal_start else None,
            "end": d.temporal_end.isoformat() if d.temporal_end else None,
        },
        "frequency": d.frequency,
        "frequency_label": FREQUENCIES.get(d.frequency or "", None),
        "conforms_to": d.conforms_to or _schema_url(d.schema, base_url),
        "conforms_to_schema": schema_view(d.schema, base_url) if d.schema else None,
        "primary_key": d.primary_key,
        "retention": d.retention,
        "created": utc_iso(d.created_at),
        "modified": utc_iso(d.modified_at),
        "row_count": entry.latest.row_count if entry.latest else None,
        "latest_version": entry.latest.number if entry.latest else None,
        "format": entry.latest.format if entry.latest else None,
        "quality": _score_badge(entry),
        "links": {
            "self": api,
            "records": f"{api}/records",
            "versions": f"{api}/versions",
            "quality": f"{api}/quality",
            "exports": {fmt: f"{api}/exports/{fmt}" for fmt in EXPORT_FORMATS},
            "portal": f"{base_url}/jeux-de-donnees/{d.slug}",
        },
    }
    if full:
        view["schema"] = entry.latest.table_schema if entry.latest else None
        view["latest"] = version_view(entry.latest) if entry.latest else None
    return view


def _schema_url(record: RegisteredSchema | None, base_url: str) -> str | None:
    if record is None:
        return None
    return record.url or f"{base_url}/api/v1/schemas/{record.name}@{record.version}"


def _score_badge(entry: Entry) -> dict[str, Any] | None:
    """The latest version's score today and whether it is valid, for listings."""
    if entry.latest is None:
        return None
    current = current_score(entry.dataset, entry.latest)
    return {
        "score": current["score"] if current else None,
        "valid": entry.latest.quality.get("valid"),
        "errors": entry.latest.quality.get("errors"),
    }


def facet_view(values: list[FacetValue]) -> list[dict[str, Any]]:
    return [{"value": v.value, "label": v.label, "count": v.count} for v in values]


def search_view(result: SearchResult, base_url: str) -> dict[str, Any]:
    return {
        "total_count": result.total_count,
        "results": [dataset_view(e, base_url, full=False) for e in result.entries],
        "facets": {name: facet_view(values) for name, values in result.facets.items()},
    }
