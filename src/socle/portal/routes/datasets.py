"""``/jeux-de-donnees/{slug}``: a dataset's metadata, preview, downloads and history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.core import catalog, versions
from socle.core.tableschema import geometry_field
from socle.core.views import dataset_view, version_view
from socle.portal import preview
from socle.portal.pagination import paginate
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/jeux-de-donnees/{slug}", response_class=HTMLResponse)
def dataset_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    where: Annotated[str | None, Query(max_length=4000)] = None,
    order_by: Annotated[str | None, Query(max_length=500)] = None,
    page: Annotated[int, Query(ge=1, le=preview.MAX_PAGE)] = 1,
) -> HTMLResponse:
    view = dataset_view(catalog.get_entry(instance, principal, slug), base)
    fields = (view["schema"] or {}).get("fields", [])
    loaded = None
    if view["latest"]:
        loaded = preview.load(instance, principal, base, slug, fields, where, order_by, page)
    error = loaded if isinstance(loaded, preview.FilterError) else None
    shown = loaded if isinstance(loaded, preview.Preview) else None
    return render(
        request,
        "dataset.html",
        status=error.status if error else 200,
        section="catalog",
        d=view,
        fields=fields,
        versions=[version_view(v) for v in versions.list_versions(instance, principal, slug)],
        preview=shown,
        preview_error=error,
        pagination=paginate(page, shown.pages) if shown else None,
        where=where,
        order_by=order_by,
        params={"where": where, "order_by": order_by},
        export_formats=_export_formats(view["schema"]),
    )


def _export_formats(schema: dict[str, Any] | None) -> list[str]:
    """GeoJSON is offered only when a field holds geometries."""
    if schema and geometry_field(schema):
        return ["csv", "json", "geojson", "parquet", "xlsx"]
    return ["csv", "json", "parquet", "xlsx"]
