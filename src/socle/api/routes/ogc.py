"""OGC API — Features (Part 1) at ``/api/ogc``: geographic datasets for QGIS and GIS clients.

Conformance: Core, GeoJSON and OpenAPI 3.0 (the description at ``/api/ogc/api``). Each
collection is a geographic dataset the caller may read (id: its slug); its items are the
latest version's rows as GeoJSON features, whose id is the row number (see
:mod:`socle.engine.features`). Errors answer in problem+json like the rest of ``/api/``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.api.docs import DOCS_PATH
from socle.api.ogc_openapi import FILTER_SCHEMAS, OPENAPI_MEDIA, openapi_document
from socle.core.features import Collection, get_collection, list_collections
from socle.engine.features import FeatureQuery, parse_bbox, parse_datetime
from socle.engine.geo import CRS84
from socle.errors import InputError, NotFoundError
from socle.governance.audit import AuditEvent

PREFIX = "/api/ogc"
router = APIRouter(prefix=PREFIX, tags=["OGC API Features"])

JSON = "application/json"
GEOJSON = "application/geo+json"
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
MAX_OFFSET = 10**15  # past any real dataset, within DuckDB's integers
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
ITEMS_PARAMETERS = frozenset({"bbox", "limit", "offset", "datetime", "f"})

Format = Annotated[
    Literal["json"] | None, Query(description="Format de la réponse : json (seul proposé)")
]


def _success(media: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": "Succès", "content": {media: {}}}}


def _link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def _answer(body: dict[str, Any], media: str = JSON) -> JSONResponse:
    return JSONResponse(body, media_type=media)


@router.get("", summary="Page d'accueil du service OGC API Features")
def landing(base: BaseUrl, f: Format = None) -> JSONResponse:
    root = base + PREFIX
    return _answer(
        {
            "title": "Socle — OGC API Features",
            "description": "Les jeux de données géographiques de la plateforme, en GeoJSON.",
            "links": [
                _link(root, "self", JSON, "Cette page"),
                _link(f"{root}/api", "service-desc", OPENAPI_MEDIA, "Description OpenAPI 3.0"),
                _link(base + DOCS_PATH, "service-doc", "text/html", "Documentation de l'API"),
                _link(f"{root}/conformance", "conformance", JSON, "Classes de conformité"),
                _link(f"{root}/collections", "data", JSON, "Collections"),
            ],
        }
    )


@router.get("/conformance", summary="Classes de conformité OGC mises en œuvre")
def conformance(f: Format = None) -> JSONResponse:
    return _answer({"conformsTo": CONFORMANCE})


@router.get(
    "/api",
    summary="Description OpenAPI 3.0 du service OGC API Features",
    response_class=Response,
    responses=_success(OPENAPI_MEDIA),
)
def service_description(
    instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, f: Format = None
) -> Response:
    """Lists the collections the caller may read, each with its property filters."""
    document = openapi_document(base + PREFIX, list_collections(instance, principal))
    return _answer(document, OPENAPI_MEDIA)


@router.get("/collections", summary="Collections : les jeux de données géographiques lisibles")
def collections(
    instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, f: Format = None
) -> JSONResponse:
    root = f"{base}{PREFIX}/collections"
    return _answer(
        {
            "links": [_link(root, "self", JSON, "Collections")],
            "collections": [
                _collection_view(c, base) for c in list_collections(instance, principal)
            ],
        }
    )


@router.get("/collections/{slug}", summary="Une collection : étendue et liens")
def collection(
    slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, f: Format = None
) -> JSONResponse:
    return _answer(_collection_view(get_collection(instance, principal, slug), base))


@router.get(
    "/collections/{slug}/queryables",
    summary="Propriétés filtrables (JSON Schema)",
    response_class=Response,
    responses=_success("application/schema+json"),
)
def queryables(
    slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl, f: Format = None
) -> JSONResponse:
    """The properties ``?champ=valeur`` accepts, as OGC API Features Part 3 describes them."""
    found = get_collection(instance, principal, slug)
    properties: dict[str, Any] = {
        name: {"title": name, **FILTER_SCHEMAS[type_]}
        for name, type_ in found.layout.queryables.items()
    }
    properties[found.layout.geometry] = {"$ref": "https://geojson.org/schema/Geometry.json"}
    return _answer(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{base}{PREFIX}/collections/{slug}/queryables",
            "type": "object",
            "title": found.entry.dataset.title,
            "properties": properties,
        },
        "application/schema+json",
    )


@router.get(
    "/collections/{slug}/items",
    summary="Entités d'une collection (GeoJSON)",
    response_class=Response,
    responses=_success(GEOJSON),
)
def items(
    slug: str,
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    bbox: Annotated[
        str | None,
        Query(description="minLon,minLat,maxLon,maxLat en WGS84 (CRS84) : entités qui y touchent"),
    ] = None,
    limit: Annotated[
        str | None, Query(description=f"Entités par page, 1 à {MAX_LIMIT} (défaut {DEFAULT_LIMIT})")
    ] = None,
    offset: Annotated[str | None, Query(description="Entités à sauter (défaut 0)")] = None,
    datetime_: Annotated[
        str | None,
        Query(
            alias="datetime",
            description="Instant ou intervalle RFC 3339 (« a/b », « ../b », « a/.. ») "
            "sur le premier champ date du jeu",
        ),
    ] = None,
    f: Format = None,
) -> Response:
    """Other query parameters filter on the collection's properties: ``?champ=valeur``."""
    read = AuditEvent(instance.db, "read/features", query=dict(request.query_params))
    found = get_collection(instance, principal, slug, audit=read)
    query = FeatureQuery(
        bbox=parse_bbox(bbox) if bbox is not None else None,
        datetime=parse_datetime(datetime_) if datetime_ is not None else None,
        properties=_property_filters(request, found),
        limit=min(_count(limit, "limit", DEFAULT_LIMIT, minimum=1), MAX_LIMIT),
        offset=_count(offset, "offset", 0, minimum=0, maximum=MAX_OFFSET),
    )
    page = found.page(query)
    links = [
        _link(str(request.url), "self", GEOJSON, "Cette page"),
        _link(_collection_url(request, slug), "collection", JSON, "La collection"),
    ]
    if query.offset + len(page.features) < page.number_matched:
        links.append(_page_link(request, query, query.offset + query.limit, "next"))
    if query.offset > 0:
        links.append(_page_link(request, query, max(query.offset - query.limit, 0), "prev"))
    envelope = {
        "type": "FeatureCollection",
        "numberMatched": page.number_matched,
        "numberReturned": len(page.features),
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }
    return _with_features(envelope, page.features)


@router.get(
    "/collections/{slug}/items/{feature_id}",
    summary="Une entité (GeoJSON)",
    response_class=Response,
    responses=_success(GEOJSON),
)
def item(
    slug: str,
    feature_id: str,
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    f: Format = None,
) -> Response:
    """``feature_id`` is the row number in the collection's latest version, from 1."""
    read = AuditEvent(instance.db, "read/features", query={"id": feature_id})
    found = get_collection(instance, principal, slug, audit=read)
    if not (feature_id.isascii() and feature_id.isdigit()):
        raise NotFoundError(f"Entité « {feature_id} » introuvable")
    feature = found.feature(int(feature_id))
    links = [
        _link(str(request.url), "self", GEOJSON, "Cette entité"),
        _link(_collection_url(request, slug), "collection", JSON, "La collection"),
    ]
    # The feature's text comes from DuckDB; its closing brace makes room for the links.
    return Response(f'{feature[:-1]},"links":{_dumps(links)}}}', media_type=GEOJSON)


def _collection_view(found: Collection, base: str) -> dict[str, Any]:
    dataset = found.entry.dataset
    url = f"{base}{PREFIX}/collections/{found.slug}"
    extent = found.extent()
    view: dict[str, Any] = {
        "id": found.slug,
        "title": dataset.title,
        "description": dataset.description,
        "keywords": list(dataset.keywords),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {},
        "links": [
            _link(url, "self", JSON, "Cette collection"),
            _link(f"{url}/items", "items", GEOJSON, "Les entités"),
            _link(
                f"{url}/queryables",
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "Propriétés filtrables",
            ),
            _link(
                f"{base}/api/v1/datasets/{found.slug}",
                "describedby",
                JSON,
                "Fiche du jeu de données (API Socle)",
            ),
        ],
    }
    if extent["bbox"]:
        view["extent"]["spatial"] = {"bbox": [extent["bbox"]], "crs": CRS84}
    if extent["interval"]:
        view["extent"]["temporal"] = {"interval": [extent["interval"]], "trs": GREGORIAN}
    return view


def _collection_url(request: Request, slug: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/collections/{slug}"


def _page_link(request: Request, query: FeatureQuery, offset: int, rel: str) -> dict[str, str]:
    href = str(request.url.include_query_params(offset=offset, limit=query.limit))
    title = "Page suivante" if rel == "next" else "Page précédente"
    return _link(href, rel, GEOJSON, title)


def _count(
    text: str | None, name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{name} doit être un nombre entier (reçu « {text} »)") from None
    if value < minimum:
        raise InputError(f"{name} doit être au moins {minimum} (reçu {value})")
    if maximum is not None and value > maximum:
        raise InputError(f"{name} doit être au plus {maximum} (reçu {value})")
    return value


def _property_filters(request: Request, found: Collection) -> dict[str, str]:
    """``?champ=valeur`` for the collection's queryable properties; anything else is an error."""
    queryables = found.layout.queryables
    filters = {}
    for name, value in request.query_params.multi_items():
        if name in ITEMS_PARAMETERS:
            continue
        if name not in queryables:
            allowed = ", ".join(sorted(ITEMS_PARAMETERS | set(queryables)))
            raise InputError(f"Paramètre inconnu « {name} » ; paramètres possibles : {allowed}")
        filters[name] = value
    return filters


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _with_features(envelope: dict[str, Any], features: list[str]) -> Response:
    """The FeatureCollection's text, with the features' texts as DuckDB wrote them."""
    head = _dumps(envelope)[:-1]
    return Response(f'{head},"features":[{",".join(features)}]}}', media_type=GEOJSON)
