"""Socle's catalog objects as CKAN dictionaries: packages, resources, organizations, licences.

A dataset is a package; each export format of its latest version is a resource whose id is
derived from the dataset's stable uuid and the format (uuid5), so ids never change across
versions or renames. The CSV resource is the one in the "datastore": ``datastore_search``
reads the dataset's rows through it. Dates are naive UTC ISO strings, as CKAN writes them.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from socle.core.catalog import Entry
from socle.core.tableschema import geometry_field
from socle.core.views import EXPORT_FORMATS, dataset_view
from socle.core.vocabularies import FREQUENCY_URI, LICENCES, THEME_URI
from socle.engine.exports import FORMATS
from socle.storage.tables import Organization, as_utc

# Export format -> the format name CKAN sites write in resources.
FORMAT_NAMES = {
    "csv": "CSV",
    "json": "JSON",
    "geojson": "GeoJSON",
    "parquet": "Parquet",
    "xlsx": "XLSX",
}
DATASTORE_FORMAT = "csv"
CLOSED_LICENCES = frozenset({"notspecified"})
_RESOURCE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:socle:ckan:resource")
_TAG_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:socle:ckan:tag")


def ckan_time(moment: datetime) -> str:
    """Naive UTC ISO 8601, CKAN's own format (SQLite hands back naive UTC datetimes)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def resource_id(dataset_id: str, fmt: str) -> str:
    return str(uuid.uuid5(_RESOURCE_NAMESPACE, f"{dataset_id}/{fmt}"))


def resource_formats(entry: Entry) -> list[str]:
    """Export formats of the latest version; GeoJSON only for geographic data."""
    if entry.latest is None:
        return []
    geographic = geometry_field(entry.latest.table_schema) is not None
    return [f for f in EXPORT_FORMATS if f != "geojson" or geographic]


def modified(entry: Entry) -> datetime:
    """Metadata edits and new versions both change what a harvester would copy."""
    moments = [entry.dataset.created_at, entry.dataset.modified_at]
    if entry.latest is not None:
        moments.append(entry.latest.created_at)
    return max(as_utc(m) for m in moments)


def organization_dict(org: Organization, package_count: int | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": org.id,
        "name": org.slug,
        "title": org.name,
        "display_name": org.name,
        "description": org.description or "",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(org.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
    }
    if package_count is not None:
        result["package_count"] = package_count
        result["num_followers"] = 0
    return result


def package_dict(entry: Entry, base_url: str) -> dict[str, Any]:
    """The dict ``package_show`` returns, built from the dataset's JSON view."""
    view = dataset_view(entry, base_url, full=False)
    d = entry.dataset
    tags = [
        {
            "id": str(uuid.uuid5(_TAG_NAMESPACE, k)),
            "name": k,
            "display_name": k,
            "state": "active",
            "vocabulary_id": None,
        }
        for k in d.keywords
    ]
    resources = _resources(entry, view)
    return {
        "id": d.id,
        "name": d.slug,
        "title": d.title,
        "notes": d.description,
        "url": view["links"]["portal"],
        "version": str(entry.latest.number) if entry.latest else None,
        "author": entry.organization.name if entry.organization else None,
        "author_email": None,
        "maintainer": d.contact_name,
        "maintainer_email": d.contact_email,
        "license_id": d.licence,
        "license_title": view["licence_label"],
        "license_url": view["licence_url"],
        "isopen": d.licence in LICENCES and d.licence not in CLOSED_LICENCES,
        "state": "active",
        "private": d.access != "public",
        "type": "dataset",
        "metadata_created": ckan_time(d.created_at),
        "metadata_modified": ckan_time(modified(entry)),
        "creator_user_id": None,
        "owner_org": entry.organization.id if entry.organization else None,
        "organization": organization_dict(entry.organization) if entry.organization else None,
        "tags": tags,
        "num_tags": len(tags),
        "groups": [],
        "resources": resources,
        "num_resources": len(resources),
        "extras": _extras(view),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def _resources(entry: Entry, view: dict[str, Any]) -> list[dict[str, Any]]:
    latest = entry.latest
    if latest is None:
        return []
    created = ckan_time(latest.created_at)
    resources = []
    for position, fmt in enumerate(resource_formats(entry)):
        name = FORMAT_NAMES[fmt]
        resources.append(
            {
                "id": resource_id(entry.dataset.id, fmt),
                "package_id": entry.dataset.id,
                "name": f"{entry.dataset.title} ({name})",
                "description": (
                    f"Export {name} de la version {latest.number}, produit à la demande."
                ),
                "format": name,
                "mimetype": FORMATS[fmt][0].split(";")[0],
                "url": view["links"]["exports"][fmt],
                "url_type": None,
                "created": created,
                "last_modified": created,
                "metadata_modified": created,
                "position": position,
                "state": "active",
                "datastore_active": fmt == DATASTORE_FORMAT,
                "size": None,
                "hash": "",
                "resource_type": None,
                "mimetype_inner": None,
                "cache_url": None,
            }
        )
    return resources


def _extras(view: dict[str, Any]) -> list[dict[str, str]]:
    """What CKAN has no field for, under the keys ckanext-dcat uses."""
    values = {
        "theme": json.dumps([THEME_URI.format(code=t) for t in view["themes"]])
        if view["themes"]
        else None,
        "frequency": FREQUENCY_URI.format(code=view["frequency"]) if view["frequency"] else None,
        "temporal_start": view["temporal"]["start"],
        "temporal_end": view["temporal"]["end"],
        "conforms_to": view["conforms_to"],
        "spatial_insee": ",".join(view["spatial"]) or None,
        "access_rights": view["access_label"],
    }
    return [{"key": k, "value": v} for k, v in values.items() if v]


def license_list() -> list[dict[str, Any]]:
    """The licences datasets may carry, as CKAN's ``license_list`` describes them."""
    return [
        {
            "id": key,
            "title": title,
            "url": url,
            "status": "active",
            "maintainer": "",
            "family": "",
            "domain_content": False,
            "domain_data": key not in CLOSED_LICENCES,
            "domain_software": False,
            "is_generic": key.startswith("other") or key in CLOSED_LICENCES,
            "is_okd_compliant": key not in CLOSED_LICENCES,
            "is_osi_compliant": False,
            "od_conformance": "not reviewed" if key in CLOSED_LICENCES else "approved",
            "osd_conformance": "not reviewed",
        }
        for key, (title, url) in LICENCES.items()
    ]
