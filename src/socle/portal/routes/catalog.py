"""``/jeux-de-donnees``: search with facets as filter links, sort and pagination."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.core import catalog
from socle.core.catalog import SortKey
from socle.core.views import search_view
from socle.portal.pagination import paginate
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()
PAGE_SIZE = 10


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
    quality: Annotated[str | None, Query(max_length=10)] = None,
    schema: Annotated[str | None, Query(max_length=160)] = None,
    geo: Annotated[str | None, Query(max_length=10)] = None,
    frequency: Annotated[str | None, Query(max_length=30)] = None,
    sort: SortKey | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = {
        "theme": theme,
        "organization": organization,
        "keyword": keyword,
        "format": format,
        "licence": licence,
        "quality": quality,
        "schema": schema,
        "geo": geo,
        "frequency": frequency,
    }
    result = catalog.search(
        instance, principal, q=q, filters=filters, sort=sort, page=page, page_size=PAGE_SIZE
    )
    view = search_view(result, base)
    return render(
        request,
        "catalog.html",
        section="catalog",
        q=q,
        filters=filters,
        active_filters=_active_filters(filters, view["facets"]),
        params={"q": q, **filters, "sort": sort},
        result=view,
        sort=sort or ("relevance" if q else "date"),
        pagination=paginate(page, math.ceil(result.total_count / PAGE_SIZE)),
    )


def _active_filters(
    filters: dict[str, str | None], facets: dict[str, list[dict[str, object]]]
) -> list[dict[str, object]]:
    """The filters in use with their labels, so each can be removed with one link."""
    active = []
    for name, value in filters.items():
        if value:
            label = next((f["label"] for f in facets[name] if f["value"] == value), value)
            active.append({"name": name, "value": value, "label": label})
    return active
