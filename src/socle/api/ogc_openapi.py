"""The OpenAPI 3.0 description of the OGC API Features service (its ``service-desc``).

FastAPI describes the whole application in OpenAPI 3.1; the OGC conformance class "OpenAPI
3.0" asks for 3.0, with one path per collection so that each lists its own property
filters. The document is built for the caller: it names only the collections they may read.
"""

from __future__ import annotations

from typing import Any

from socle import __version__
from socle.core.features import Collection

OPENAPI_MEDIA = "application/vnd.oai.openapi+json;version=3.0"
# Table Schema type -> OpenAPI schema of a property filter's value.
FILTER_SCHEMAS: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "year": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}
_REF = "#/components/"


def _json(description: str, schema: str, media: str = "application/json") -> dict[str, Any]:
    return {
        "description": description,
        "content": {media: {"schema": {"$ref": f"{_REF}schemas/{schema}"}}},
    }


def _get(
    summary: str, operation: str, ok: dict[str, Any], *, missing: bool = False, **extra: Any
) -> dict[str, Any]:
    """One GET; ``missing``: it may answer 404 (an unknown feature, a collection gone)."""
    responses = {"200": ok, "400": {"$ref": f"{_REF}responses/Problem"}}
    if missing:
        responses["404"] = {"$ref": f"{_REF}responses/Problem"}
    return {"get": {"summary": summary, "operationId": operation, "responses": responses, **extra}}


def _collection_paths(collection: Collection) -> dict[str, Any]:
    slug = collection.slug
    operation = slug.replace("-", "_")
    filters = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Entités dont « {name} » vaut exactement cette valeur",
            "schema": FILTER_SCHEMAS[type_],
        }
        for name, type_ in collection.layout.queryables.items()
    ]
    standard = ["bbox", "limit", "offset", "datetime"]
    return {
        f"/collections/{slug}": _get(
            collection.entry.dataset.title,
            f"describe_{operation}",
            _json("La collection", "collection"),
            missing=True,
        ),
        f"/collections/{slug}/queryables": _get(
            "Propriétés filtrables",
            f"queryables_{operation}",
            {
                "description": "JSON Schema",
                "content": {"application/schema+json": {"schema": OBJECT}},
            },
            missing=True,
        ),
        f"/collections/{slug}/items": _get(
            f"Entités de « {collection.entry.dataset.title} »",
            f"items_{operation}",
            _json("Les entités", "featureCollection", "application/geo+json"),
            missing=True,
            parameters=[{"$ref": f"{_REF}parameters/{p}"} for p in standard] + filters,
        ),
        f"/collections/{slug}/items/{{featureId}}": _get(
            "Une entité",
            f"item_{operation}",
            _json("L'entité", "feature", "application/geo+json"),
            missing=True,
            parameters=[{"$ref": f"{_REF}parameters/featureId"}],
        ),
    }


PARAMETERS: dict[str, Any] = {
    "bbox": {
        "name": "bbox",
        "in": "query",
        "required": False,
        "description": "minLon,minLat,maxLon,maxLat en CRS84 : entités dont la boîte y touche",
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Entités par page ; au-delà de 10000, 10000",
        "schema": {"type": "integer", "minimum": 1, "default": 10},
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "required": False,
        "description": "Entités à sauter",
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    "datetime": {
        "name": "datetime",
        "in": "query",
        "required": False,
        "description": "Instant ou intervalle RFC 3339 (a/b, ../b, a/..)",
        "schema": {"type": "string"},
    },
    "featureId": {
        "name": "featureId",
        "in": "path",
        "required": True,
        "description": "Numéro de ligne de l'entité dans la version, à partir de 1",
        "schema": {"type": "integer", "minimum": 1},
    },
}
OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
SCHEMAS: dict[str, Any] = {
    "landingPage": {**OBJECT, "required": ["links"]},
    "confClasses": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "collections": {**OBJECT, "required": ["links", "collections"]},
    "collection": {**OBJECT, "required": ["id", "links"]},
    "featureCollection": {**OBJECT, "required": ["type", "features"]},
    "feature": {**OBJECT, "required": ["type", "geometry", "properties"]},
    "problem": {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
        },
    },
}


def openapi_document(root: str, collections: list[Collection]) -> dict[str, Any]:
    """The service's description, served from ``root`` (the landing page's URL)."""
    paths: dict[str, Any] = {
        "/": _get("Page d'accueil", "landing", _json("Liens du service", "landingPage")),
        "/conformance": _get(
            "Classes de conformité", "conformance", _json("Classes", "confClasses")
        ),
        "/api": _get(
            "Cette description",
            "service_desc",
            {"description": "OpenAPI 3.0", "content": {OPENAPI_MEDIA: {"schema": OBJECT}}},
        ),
        "/collections": _get("Collections", "collections", _json("Collections", "collections")),
    }
    for collection in collections:
        paths |= _collection_paths(collection)
    problem = {
        "description": "Requête invalide, ou ressource introuvable",
        "content": {"application/problem+json": {"schema": {"$ref": f"{_REF}schemas/problem"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Socle — OGC API Features",
            "version": __version__,
            "description": "Jeux de données géographiques de la plateforme Socle.",
        },
        "servers": [{"url": root}],
        "paths": paths,
        "components": {
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
            "responses": {"Problem": problem},
        },
    }
