"""``/jeux-de-donnees/{slug}/tableau``: the table explorer, and its embed under ``/embed``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.portal import preview
from socle.portal.pagination import paginate
from socle.portal.rendering import render, security_headers
from socle.portal.routes._dataset import dataset_context, is_embed, layout
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/jeux-de-donnees/{slug}/tableau", response_class=HTMLResponse)
@router.get("/embed/jeux-de-donnees/{slug}/tableau", response_class=HTMLResponse)
def table_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    where: Annotated[str | None, Query(max_length=4000)] = None,
    order_by: Annotated[str | None, Query(max_length=500)] = None,
    page: Annotated[int, Query(ge=1, le=preview.MAX_PAGE)] = 1,
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug, needs_data=True)
    fields = context["fields"]
    state = preview.table_state(
        fields, list(request.query_params.multi_items()), where, order_by, page
    )
    loaded = preview.load(instance, principal, base, slug, fields, state)
    error = loaded if isinstance(loaded, preview.FilterError) else None
    shown = loaded if isinstance(loaded, preview.Preview) else None
    return render(
        request,
        "dataset_table.html",
        status=error.status if error else 200,
        headers=security_headers(embed=is_embed(request)),
        layout=layout(request),
        tab="tableau",
        preview=shown,
        preview_error=error,
        pagination=paginate(page, shown.pages) if shown else None,
        state=state,
        params=state.params(),
        filterable=[f for f in fields if preview.field_reference(f["name"])],
        **context,
    )
