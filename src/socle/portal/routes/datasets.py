"""``/jeux-de-donnees/{slug}`` and its plain tabs: Informations, API, Téléchargements.

The table, chart and map tabs have their own modules; Qualité is ``routes.quality``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socle.core import versions
from socle.core.records import known_export, readable_whole
from socle.core.usage import reports
from socle.core.views import version_view
from socle.governance.anonymisation.lineage import latest_report as anonymisation_report
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.portal.preview import FILTER_PREFIX, field_reference
from socle.portal.rendering import render
from socle.portal.routes._dataset import dataset_context
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep
from socle.portal.routes.comments import participation_context

router = APIRouter()
# Parameters of the table, which the dataset page showed before it had tabs.
TABLE_PARAMETERS = {"where", "order_by", "page", "colonne"}


@router.get("/jeux-de-donnees/{slug}", response_class=HTMLResponse)
def dataset_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> Response:
    context = dataset_context(instance, principal, base, slug)
    params = request.query_params
    if context["d"]["latest"] and any(
        k in TABLE_PARAMETERS or k.startswith(FILTER_PREFIX) for k in params
    ):
        # Links made before the tabs (quality page, bookmarks) still reach the same rows.
        return RedirectResponse(f"/jeux-de-donnees/{slug}/tableau?{params}", status_code=307)
    return render(
        request,
        "dataset.html",
        tab="informations",
        versions=[version_view(v) for v in versions.list_versions(instance, principal, slug)],
        usage=reports.dataset_usage(instance, principal, slug),
        anonymisation=anonymisation_report(instance, principal, slug),
        **participation_context(request, instance, principal, slug),
        **context,
    )


@router.get("/jeux-de-donnees/{slug}/api", response_class=HTMLResponse)
def api_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug, needs_data=True)
    fields = context["fields"]
    text = next((f["name"] for f in fields if f.get("type") == "string"), None)
    return render(
        request,
        "dataset_api.html",
        tab="api",
        group_field=field_reference(text) if text else None,
        **context,
    )


@router.get("/jeux-de-donnees/{slug}/telechargements", response_class=HTMLResponse)
def downloads_page(
    request: Request, slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    context = dataset_context(instance, principal, base, slug, needs_data=True)
    return render(
        request,
        "dataset_downloads.html",
        tab="telechargements",
        downloads=_downloads(instance, principal, slug, bool(context["geo"])),
        **context,
    )


def _downloads(
    instance: Instance, principal: Principal, slug: str, geographic: bool
) -> list[dict[str, Any]]:
    """Every whole export, with its size and SHA-256 once it has been written."""
    whole = readable_whole(instance, principal, slug)
    exports = f"/api/v1/datasets/{slug}/exports"
    offered: list[tuple[str, str, str, dict[str, Any]]] = [
        ("csv", "csv", "", {}),
        ("csv_excel", "csv", "?delimiter=%3B&with_bom=true", {"delimiter": ";"}),
        ("json", "json", "", {}),
        *([("geojson", "geojson", "", {})] if geographic else []),
        ("parquet", "parquet", "", {}),
        ("xlsx", "xlsx", "", {}),
    ]
    result = []
    for key, fmt, query, options in offered:
        stored = known_export(instance, whole, fmt, **options) if whole else None
        bom = 3 if key == "csv_excel" else 0  # the BOM is added when served, not stored
        result.append(
            {
                "key": key,
                "url": f"{exports}/{fmt}{query}",
                "size": stored.size + bom if stored else None,
                "sha256": stored.sha256 if stored and not bom else None,
            }
        )
    return result
