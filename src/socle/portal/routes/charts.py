"""``/jeux-de-donnees/{slug}/graphique``: the chart builder, and its embed under ``/embed``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from socle.portal import charts
from socle.portal.charts import Aggregate, Bucket
from socle.portal.rendering import render, security_headers
from socle.portal.routes._dataset import dataset_context, is_embed, layout
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()
Name = Annotated[str | None, Query(max_length=300)]


@router.get("/jeux-de-donnees/{slug}/graphique", response_class=HTMLResponse)
@router.get("/embed/jeux-de-donnees/{slug}/graphique", response_class=HTMLResponse)
def chart_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    type: charts.ChartType = "bar",
    x: Name = None,
    agregat: Aggregate = "count",
    y: Name = None,
    pas: Annotated[Bucket | None, Query()] = None,
    where: Annotated[str | None, Query(max_length=4000)] = None,
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug, needs_data=True)
    fields = context["fields"]
    spec = charts.chart_spec(fields, type, x or None, agregat, y or None, pas, where)
    loaded = charts.load_chart(instance, principal, base, slug, spec) if spec else None
    error = loaded if isinstance(loaded, charts.FilterError) else None
    return render(
        request,
        "dataset_chart.html",
        status=error.status if error else 200,
        headers=security_headers(embed=is_embed(request)),
        layout=layout(request),
        tab="graphique",
        spec=spec,
        chart=loaded if isinstance(loaded, charts.ChartData) else None,
        chart_error=error,
        groupable=charts.groupable(fields),
        numeric=charts.numeric(fields),
        date_fields=[f["name"] for f in fields if f.get("type") in charts.DATES],
        params=spec.params() if spec else {},
        **context,
    )
