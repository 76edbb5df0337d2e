"""The portal's pages: thin views over the same services and JSON views as the API."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from socle.api.deps import base_url, get_instance, get_principal
from socle.core import catalog, versions
from socle.core.organizations import get_organization, list_organizations
from socle.core.records import read_records
from socle.core.tableschema import geometry_field
from socle.core.views import (
    dataset_view,
    organization_view,
    search_view,
    version_view,
)
from socle.engine import RecordQuery
from socle.errors import InputError, LimitExceededError
from socle.governance.policy import Principal
from socle.instance import Instance

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
BaseUrl = Annotated[str, Depends(base_url)]

CATALOG_PAGE_SIZE = 10
PREVIEW_ROWS = 20
FACET_LABELS = {
    "theme": "Thèmes",
    "organization": "Organisations",
    "keyword": "Mots-clés",
    "format": "Formats",
    "licence": "Licences",
}
TYPE_LABELS = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre décimal",
    "boolean": "booléen (oui/non)",
    "date": "date",
    "datetime": "date et heure",
    "time": "heure",
    "year": "année",
    "geojson": "géométrie (GeoJSON, WGS84)",
    "object": "objet JSON",
    "array": "liste JSON",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self' data:; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page with the context every template needs and the security headers."""
    settings = request.app.state.settings
    html = request.app.state.templates.get_template(template).render(
        instance_name=settings.instance_name, **context
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    result = search_view(catalog.search(instance, principal, sort="date", page_size=5), base)
    dataset_count, rows = catalog.totals(instance, principal)
    organizations = len(list_organizations(instance, principal))
    return render(
        request,
        "home.html",
        section="home",
        latest=result["results"],
        themes=result["facets"]["theme"],
        figures={"datasets": dataset_count, "organizations": organizations, "rows": rows},
    )


@router.get("/jeux-de-donnees", response_class=HTMLResponse)
def catalog_page(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    q: Annotated[str | None, Query(max_length=500)] = None,
    theme: Annotated[str | None, Query(max_length=50)] = None,
    organization: Annotated[str | None, Query(max_length=100)] = None,
    keyword: Annotated[str | None, Query(max_length=200)] = None,
    format: Annotated[str | None, Query(max_length=30)] = None,
    licence: Annotated[str | None, Query(max_length=50)] = None,
    sort: Annotated[str | None, Query(pattern="^(relevance|date|title)$")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = {
        "theme": theme,
        "organization": organization,
        "keyword": keyword,
        "format": format,
        "licence": licence,
    }
    result = catalog.search(
        instance,
        principal,
        q=q,
        filters=filters,
        sort=sort,  # type: ignore[arg-type]
        page=page,
        page_size=CATALOG_PAGE_SIZE,
    )
    params = {"q": q, **filters, "sort": sort}
    return render(
        request,
        "catalog.html",
        section="catalog",
        q=q,
        filters=filters,
        params=params,
        result=search_view(result, base),
        facet_labels=FACET_LABELS,
        sort=sort or ("relevance" if q else "date"),
        page=page,
        pages=max(1, math.ceil(result.total_count / CATALOG_PAGE_SIZE)),
    )


@router.get("/jeux-de-donnees/{slug}", response_class=HTMLResponse)
def dataset_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    where: Annotated[str | None, Query(max_length=4000)] = None,
    order_by: Annotated[str | None, Query(max_length=500)] = None,
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> HTMLResponse:
    entry = catalog.get_entry(instance, principal, slug)
    view = dataset_view(entry, base)
    history = [version_view(v) for v in versions.list_versions(instance, principal, slug)]
    fields = (view["schema"] or {}).get("fields", [])
    query = RecordQuery(
        where=where, order_by=order_by, limit=PREVIEW_ROWS, offset=(page - 1) * PREVIEW_ROWS
    )
    preview, error, status = None, None, 200
    if entry.latest:
        try:
            records = read_records(instance, principal, slug, query)
        except (InputError, LimitExceededError) as exc:
            error, status = exc.message, exc.status
        else:
            total = records.total_count
            first = query.offset + 1 if records.results else 0
            preview = {
                "rows": records.results,
                "total": total,
                "first": first,
                "last": query.offset + len(records.results),
                "pages": min(math.ceil(total / PREVIEW_ROWS), 500),
            }
    api_query = {
        "where": where,
        "order_by": order_by,
        "limit": PREVIEW_ROWS,
        "offset": query.offset,
    }
    api_call = f"{base}/api/v1/datasets/{slug}/records?" + urlencode(
        {k: v for k, v in api_query.items() if v}
    )
    formats = ["csv", "json", "parquet", "xlsx"]
    if view["schema"] and geometry_field(view["schema"]):
        formats.insert(2, "geojson")
    return render(
        request,
        "dataset.html",
        status=status,
        section="catalog",
        d=view,
        fields=fields,
        versions=history,
        preview=preview,
        preview_error=error,
        where=where,
        order_by=order_by,
        page=page,
        params={"where": where, "order_by": order_by},
        api_call=api_call,
        export_formats=formats,
        type_labels=TYPE_LABELS,
    )


@router.get("/organisations", response_class=HTMLResponse)
def organizations_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep
) -> HTMLResponse:
    rows = list_organizations(instance, principal)
    return render(
        request,
        "organizations.html",
        section="organizations",
        organizations=[organization_view(org, count) for org, count in rows],
    )


@router.get("/organisations/{slug}", response_class=HTMLResponse)
def organization_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    org = get_organization(instance, slug)
    result = catalog.search(
        instance, principal, filters={"organization": slug}, sort="title", page_size=100
    )
    return render(
        request,
        "organization.html",
        section="organizations",
        org=organization_view(org),
        result=search_view(result, base),
    )
