"""``/api/v1/datasets``: catalog search, metadata, versions, records and exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.core import catalog, versions
from socle.core.quality import quality_view
from socle.core.records import export_records, read_records
from socle.core.views import dataset_view, search_view, version_view
from socle.engine import RecordQuery
from socle.engine.exports import FORMATS
from socle.engine.records import MAX_PAGE_ROWS
from socle.governance.audit import AuditEvent

router = APIRouter(tags=["jeux de données"])
Text = Annotated[str | None, Query(max_length=4000)]
VersionNumber = Annotated[
    int | None, Query(ge=1, le=versions.MAX_VERSION, description="Version (défaut : la dernière)")
]
# The exports' success, declared with each format's media type (the default says JSON).
EXPORTED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Le fichier, dans le format demandé",
        "content": {media.split(";")[0]: {} for media, _, _ in FORMATS.values()},
    }
}


@router.get("/datasets")
def search_datasets(
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    q: Annotated[str | None, Query(max_length=500, description="Recherche plein texte")] = None,
    theme: Annotated[str | None, Query(max_length=50)] = None,
    organization: Annotated[str | None, Query(max_length=100)] = None,
    keyword: Annotated[str | None, Query(max_length=200)] = None,
    licence: Annotated[str | None, Query(max_length=50)] = None,
    format: Annotated[str | None, Query(max_length=30)] = None,
    quality: Annotated[
        Literal["bon", "moyen", "faible"] | None,
        Query(description="Score de qualité : bon (80+), moyen (50–79), faible (<50)"),
    ] = None,
    schema: Annotated[
        str | None, Query(max_length=160, description="Schéma suivi (nom@version)")
    ] = None,
    geo: Annotated[
        Literal["oui", "non"] | None, Query(description="Avec ou sans géométrie")
    ] = None,
    frequency: Annotated[
        str | None, Query(max_length=30, description="Fréquence de mise à jour (code UE)")
    ] = None,
    sort: Literal["relevance", "date", "title"] | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=catalog.MAX_PAGE_SIZE)] = 20,
) -> dict[str, Any]:
    """Datasets the caller may see, with facets counted over them only."""
    result = catalog.search(
        instance,
        principal,
        q=q,
        filters={
            "theme": theme,
            "organization": organization,
            "keyword": keyword,
            "licence": licence,
            "format": format,
            "quality": quality,
            "schema": schema,
            "geo": geo,
            "frequency": frequency,
        },
        sort=sort,
        page=page,
        page_size=page_size,
    )
    return search_view(result, base)


@router.get("/datasets/{slug}")
def get_dataset(
    slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    """Metadata, schema, latest version and links."""
    return dataset_view(catalog.get_entry(instance, principal, slug), base)


@router.get("/datasets/{slug}/versions")
def list_versions(slug: str, instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    listed = versions.list_versions(instance, principal, slug)
    return {"total_count": len(listed), "results": [version_view(v) for v in listed]}


@router.get("/datasets/{slug}/versions/{number}")
def get_version(
    slug: str,
    number: Annotated[int, Path(ge=1, le=versions.MAX_VERSION)],
    instance: InstanceDep,
    principal: PrincipalDep,
) -> dict[str, Any]:
    read = AuditEvent(instance.db, "read/version", version=number)
    return version_view(versions.get_version(instance, principal, slug, number, audit=read))


@router.get("/datasets/{slug}/quality")
def quality(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    version: VersionNumber = None,
) -> dict[str, Any]:
    """Validation report, column profile, score with its parts and the score's history."""
    return quality_view(instance, principal, slug, version)


def record_query(
    select: Text = None,
    where: Text = None,
    group_by: Text = None,
    order_by: Text = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=0, le=MAX_PAGE_ROWS)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> RecordQuery:
    return RecordQuery(
        select=select,
        where=where,
        group_by=group_by,
        order_by=order_by,
        q=q,
        limit=limit,
        offset=offset,
    )


def export_query(
    select: Text = None,
    where: Text = None,
    group_by: Text = None,
    order_by: Text = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
) -> RecordQuery:
    return RecordQuery(
        select=select, where=where, group_by=group_by, order_by=order_by, q=q, limit=None
    )


@router.get("/datasets/{slug}/records")
def records(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    query: Annotated[RecordQuery, Depends(record_query)],
    version: VersionNumber = None,
) -> dict[str, Any]:
    """Rows of a version (latest by default), filtered, sorted, grouped by the query language."""
    page = read_records(instance, principal, slug, query, version)
    return {
        "total_count": page.total_count,
        "version": page.version.number,
        "results": page.results,
    }


@router.get("/datasets/{slug}/exports/{fmt}", response_class=StreamingResponse, responses=EXPORTED)
def exports(
    slug: str,
    fmt: Literal["csv", "json", "geojson", "parquet", "xlsx"],
    instance: InstanceDep,
    principal: PrincipalDep,
    query: Annotated[RecordQuery, Depends(export_query)],
    version: VersionNumber = None,
    delimiter: Annotated[Literal[",", ";", "\t", "|"], Query()] = ",",
    with_bom: bool = False,
) -> StreamingResponse:
    """The whole result, streamed, no row cap."""
    options: dict[str, Any] = {"delimiter": delimiter, "bom": with_bom} if fmt == "csv" else {}
    chosen, result = export_records(instance, principal, slug, query, fmt, version, **options)
    filename = f"{slug}-v{chosen.number}.{result.extension}"
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}
    if result.size is not None:
        headers["Content-Length"] = str(result.size)
    if result.sha256 is not None:
        headers["ETag"] = f'"{result.sha256}"'
    return StreamingResponse(result.chunks, media_type=result.media_type, headers=headers)
