"""Opendatasoft Explore API v2.1 compatibility: ODS's shapes over Socle's datasets and rows.

Authorities leaving Opendatasoft keep their reusers' scripts working: the same parameters
(``refine``, ``exclude``, ``facet``...) translate to Socle's query language, and answers take
ODS's shapes. Reads go through :mod:`socle.core.records`, hence through the policy door.

A record's id (``_id``) is the SHA-1 of its content, as on Opendatasoft: it is stable across
versions as long as the row does not change, and identical rows share it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from socle.core.catalog import Entry
from socle.core.records import read_records, readable_schema
from socle.core.tableschema import field_types
from socle.core.views import utc_iso
from socle.core.vocabularies import LICENCES, THEMES
from socle.engine import RecordQuery
from socle.engine.records import RECORD_ID
from socle.errors import InputError, NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance

# Table Schema type -> Opendatasoft field type.
ODS_TYPES = {
    "string": "text",
    "integer": "int",
    "year": "int",
    "number": "double",
    "date": "date",
    "datetime": "datetime",
    "boolean": "boolean",
    "geojson": "geo_shape",
    "geopoint": "geo_point_2d",
}
MAX_FACET_VALUES = 100
FACETABLE = {"string", "boolean", "integer", "year", "date", "datetime", "array"}
_REFINE = re.compile(r"^(?P<field>[^:]+):(?P<value>.*)$", re.DOTALL)
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:[-/](?P<month>\d{1,2}))?(?:[-/](?P<day>\d{1,2}))?$")


@dataclass(frozen=True)
class Refinements:
    """ODS's ``refine`` and ``exclude`` parameters: ``field:value`` each, repeatable."""

    refine: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


class RefineError(InputError):
    """A ``refine``/``exclude``/``facet`` parameter that names no field or is malformed."""


# Shapes ---------------------------------------------------------------------------------------


def ods_fields(schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The dataset's fields as ODS lists them: name, label, type."""
    return [
        {
            "name": f["name"],
            "label": f.get("title") or f["name"],
            "type": ODS_TYPES.get(f.get("type", "string"), "text"),
            "description": f.get("description"),
            "annotations": {},
        }
        for f in (schema or {}).get("fields", [])
    ]


def dataset_metas(entry: Entry, base_url: str) -> dict[str, Any]:
    """The ``metas.default`` block: ODS's names for Socle's DCAT metadata."""
    d, latest = entry.dataset, entry.latest
    licence, licence_url = LICENCES.get(d.licence, (d.licence, ""))
    return {
        "title": d.title,
        "description": d.description,
        "theme": [THEMES.get(t, t) for t in d.themes],
        "keyword": list(d.keywords),
        "license": licence,
        "license_url": licence_url or None,
        "language": "fr",
        "publisher": entry.organization.name if entry.organization else None,
        "modified": utc_iso(d.modified_at),
        "data_processed": utc_iso(latest.created_at) if latest else None,
        "metadata_processed": utc_iso(d.modified_at),
        "records_count": latest.row_count if latest else 0,
        "territory": list(d.spatial),
        "references": f"{base_url}/jeux-de-donnees/{d.slug}",
        "timezone": None,
    }


def dataset_view(entry: Entry, base_url: str) -> dict[str, Any]:
    """A dataset in ODS's shape (``dataset_id`` is Socle's slug)."""
    schema = entry.latest.table_schema if entry.latest else None
    types = set(field_types(schema or {}).values())
    features = ["analyze"]
    if types & {"geojson", "geopoint"}:
        features.append("geo")
    if types & {"date", "datetime"}:
        features.append("timeserie")
    api = f"{base_url}/api/explore/v2.1/catalog/datasets/{entry.dataset.slug}"
    return {
        "dataset_id": entry.dataset.slug,
        "dataset_uid": entry.dataset.id,
        "visibility": "domain",
        "has_records": bool(entry.latest and entry.latest.row_count),
        "data_visible": True,
        "features": features,
        "attachments": [],
        "metas": {"default": dataset_metas(entry, base_url)},
        "fields": ods_fields(schema),
        "_links": [
            {"rel": "self", "href": api},
            {"rel": "records", "href": f"{api}/records"},
            {"rel": "exports", "href": f"{api}/exports"},
        ],
    }


def facet_group(name: str, counts: list[tuple[Any, int]], refined: set[str]) -> dict[str, Any]:
    """One ODS facet: values with their count and whether the query refines on them."""
    values = []
    for value, count in counts:
        text = (
            "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        )
        state = "refined" if text in refined else "displayed"
        values.append({"name": text, "count": count, "state": state, "value": text})
    return {"name": name, "facets": values}


# refine / exclude -----------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _period(value: str) -> tuple[dt.date, dt.date] | None:
    """``2024``, ``2024-03`` or ``2024-03-05`` as [start, end[ (ODS refines dates by period)."""
    match = _PERIOD.match(value.strip())
    if not match:
        return None
    year, month, day = (int(p) if p else None for p in match.group("year", "month", "day"))
    try:
        start = dt.date(year, month or 1, day or 1)  # type: ignore[arg-type]
    except ValueError:
        return None
    if day:
        return start, start + dt.timedelta(days=1)
    if month:
        return start, dt.date(year + (month == 12), month % 12 + 1, 1)  # type: ignore[operator]
    return start, dt.date(year + 1, 1, 1)  # type: ignore[operator]


def refine_condition(text: str, fields: dict[str, str], parameter: str) -> tuple[str, str, str]:
    """(field, value, condition in the query language) for one ``field:value``."""
    match = _REFINE.match(text)
    if not match:
        raise RefineError(f"« {parameter} » attend champ:valeur, reçu « {text} »")
    name, value = match.group("field").strip(), match.group("value").strip()
    if name not in fields or "`" in name:
        raise RefineError(f"Champ inconnu « {name} » dans « {parameter} »")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    column = f"`{name}`"
    period = _period(value) if fields[name] in ("date", "datetime") else None
    if period:
        start, end = period
        return name, value, f"({column} >= date'{start}' and {column} < date'{end}')"
    return name, value, f"({column} = {_quoted(value)})"


def refined_where(
    where: str | None, refinements: Refinements, fields: dict[str, str]
) -> tuple[str | None, dict[str, set[str]]]:
    """``where`` with every refine and exclude added, and the refined values per field."""
    conditions = [f"({where})"] if where and where.strip() else []
    refined: dict[str, set[str]] = {}
    for text in refinements.refine:
        name, value, condition = refine_condition(text, fields, "refine")
        conditions.append(condition)
        refined.setdefault(name, set()).add(value)
    for text in refinements.exclude:
        _, _, condition = refine_condition(text, fields, "exclude")
        conditions.append(f"not {condition}")
    return (" and ".join(conditions) or None), refined


# Records --------------------------------------------------------------------------------------


@dataclass
class OdsRecords:
    total_count: int
    results: list[dict[str, Any]]


def _geo_parsed(rows: list[dict[str, Any]], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """GeoJSON text cells as objects, as ODS answers geo_shape fields."""
    geo = [n for n, t in field_types(schema).items() if t == "geojson"]
    for row in rows:
        for name in geo:
            if isinstance(row.get(name), str):
                row[name] = json.loads(row[name])
    return rows


def with_refinements(
    instance: Instance,
    principal: Principal,
    slug: str,
    query: RecordQuery,
    refinements: Refinements,
) -> RecordQuery:
    """``query`` with ``refine``/``exclude`` added to its ``where``."""
    if not refinements.refine and not refinements.exclude:
        return query
    fields = field_types(readable_schema(instance, principal, slug))
    where, _ = refined_where(query.where, refinements, fields)
    return replace(query, where=where)


def read(
    instance: Instance,
    principal: Principal,
    slug: str,
    query: RecordQuery,
    refinements: Refinements,
    links_base: str | None = None,
) -> OdsRecords:
    """A page of records with ``refine``/``exclude`` applied.

    With ``links_base`` (ODS's ``include_links``), each row gets its ``_id`` and a link to it.
    """
    if links_base is not None:
        query = replace(query, with_id=True)
    query = with_refinements(instance, principal, slug, query, refinements)
    page = read_records(instance, principal, slug, query)
    rows = _geo_parsed(page.results, page.version.table_schema)
    if links_base is not None:
        for row in rows:
            if RECORD_ID in row:
                href = f"{links_base}/api/explore/v2.1/catalog/datasets/{slug}/records/"
                row["_links"] = [{"rel": "self", "href": href + row[RECORD_ID]}]
    return OdsRecords(page.total_count, rows)


def read_one(instance: Instance, principal: Principal, slug: str, record_id: str) -> dict[str, Any]:
    """One record by its content hash, with ODS's ``_id`` and ``_timestamp``."""
    if not re.fullmatch(r"[0-9a-f]{40}", record_id):
        raise NotFoundError(f"Enregistrement « {record_id} » introuvable")
    query = RecordQuery(record_id=record_id, with_id=True, limit=1)
    page = read_records(instance, principal, slug, query)
    if not page.results:
        raise NotFoundError(f"Enregistrement « {record_id} » introuvable")
    row = _geo_parsed(page.results, page.version.table_schema)[0]
    return {"_id": row.pop(RECORD_ID), "_timestamp": utc_iso(page.version.created_at), **row}


def record_facets(
    instance: Instance,
    principal: Principal,
    slug: str,
    where: str | None,
    facets: list[str],
    refinements: Refinements,
) -> list[dict[str, Any]]:
    """Value counts per facet field, over the rows the query and refinements keep."""
    fields = field_types(readable_schema(instance, principal, slug))
    where, refined = refined_where(where, refinements, fields)
    names = facets or [n for n, t in fields.items() if t in ("string", "boolean")]
    groups = []
    for name in names:
        if name not in fields or "`" in name:
            raise RefineError(f"Champ inconnu « {name} » dans « facet »")
        if fields[name] not in FACETABLE:
            raise RefineError(f"Le champ « {name} » ne peut pas servir de facette")
        query = RecordQuery(
            select=f"`{name}` as value, count(*) as n",
            where=where,
            group_by=f"`{name}`",
            order_by="n desc, value",
            limit=MAX_FACET_VALUES,
        )
        page = read_records(instance, principal, slug, query)
        counts = [(r["value"], int(r["n"])) for r in page.results if r["value"] is not None]
        groups.append(facet_group(name, counts, refined.get(name, set())))
    return groups
