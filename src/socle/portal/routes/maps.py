"""``/jeux-de-donnees/{slug}/carte``: a geographic dataset on a map, and its embed.

No tile server by default: the base layer is the territory's communes, a dataset served by
Socle itself (``SOCLE_MAP_BASE_DATASET``). An administrator may add a tile server
(``SOCLE_MAP_TILE_URL``); only then does the page allow images from that one origin.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from socle.config import Settings
from socle.core import catalog
from socle.core.records import export_records, read_records
from socle.core.tableschema import geometry_field
from socle.engine import RecordQuery
from socle.errors import InputError, LimitExceededError, NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.portal.preview import FilterError
from socle.portal.rendering import render, security_headers
from socle.portal.routes._dataset import dataset_context, is_embed, layout
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()
MAX_FEATURES = 5000  # beyond, a browser struggles; the page says how many are left out
Where = Annotated[str | None, Query(max_length=4000)]


@router.get("/jeux-de-donnees/{slug}/carte", response_class=HTMLResponse)
@router.get("/embed/jeux-de-donnees/{slug}/carte", response_class=HTMLResponse)
def map_page(
    request: Request,
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    where: Where = None,
) -> HTMLResponse:
    context = _geographic(instance, principal, base, slug)
    settings: Settings = request.app.state.settings
    error = None
    total = 0
    try:
        count = RecordQuery(select="count(*) as n", where=where, limit=1)
        total = read_records(instance, principal, slug, count).results[0]["n"]
    except (InputError, LimitExceededError) as exc:
        error = FilterError(exc.message, getattr(exc, "parameter", None), None, exc.status)
    tiles = settings.map_tile_url
    return render(
        request,
        "dataset_map.html",
        status=error.status if error else 200,
        headers=security_headers(embed=is_embed(request), image_origin=_origin(tiles)),
        layout=layout(request),
        tab="carte",
        where=where,
        map_error=error,
        total=total,
        limit=MAX_FEATURES,
        base_layer=_base_layer(instance, principal, settings.map_base_dataset),
        tiles=tiles,
        tiles_attribution=settings.map_tile_attribution,
        **context,
    )


@router.get("/jeux-de-donnees/{slug}/carte/objets.geojson")
def map_features(
    slug: str, instance: InstanceDep, principal: PrincipalDep, where: Where = None
) -> StreamingResponse:
    """The first features matching ``where``, as GeoJSON, for the map (bounded, unlike exports)."""
    query = RecordQuery(where=where, limit=MAX_FEATURES)
    _, result = export_records(instance, principal, slug, query, "geojson")
    return StreamingResponse(result.chunks, media_type=result.media_type)


def _geographic(
    instance: Instance, principal: Principal, base: str, slug: str
) -> dict[str, object]:
    context = dataset_context(instance, principal, base, slug, needs_data=True)
    if not context["geo"]:
        raise NotFoundError(f"Le jeu de données « {slug} » n'a pas de géométrie à cartographier")
    return context


def _base_layer(
    instance: Instance, principal: Principal, slug: str | None
) -> dict[str, str] | None:
    """The base layer's dataset if the visitor may read it and it has geometries."""
    if slug is None:
        return None
    try:
        entry = catalog.get_entry(instance, principal, slug)
    except NotFoundError:
        return None
    if entry.latest is None or geometry_field(entry.latest.table_schema) is None:
        return None
    return {
        "slug": slug,
        "title": entry.dataset.title,
        "url": f"/api/v1/datasets/{slug}/exports/geojson",
    }


def _origin(url: str | None) -> str | None:
    """The CSP source of a tile URL template: ``{s}`` subdomains become a wildcard."""
    if url is None:
        return None
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"
