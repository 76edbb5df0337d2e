"""``/api/explore/v2.1``: the Opendatasoft Explore API subset reusers' scripts call.

Errors answer in ODS's shape, ``{"message", "error_code"}``, not problem+json: a route class
catches them here, before the app's own boundary, so clients written for ODS read them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.api.routes.datasets import EXPORTED
from socle.core import ods, ods_catalog
from socle.core.records import export_records
from socle.engine import RecordQuery
from socle.engine.records import MAX_WINDOW
from socle.errors import (
    InputError,
    LimitExceededError,
    NotFoundError,
    QuerySyntaxError,
    SocleError,
)

MAX_LIMIT = 100


class OdsError(InputError):
    """A REST parameter out of ODS's bounds, worded as ODS words it."""


def _error_code(exc: SocleError) -> str:
    if isinstance(exc, QuerySyntaxError):
        return "ODSQLError"
    if isinstance(exc, NotFoundError):
        return "NotFound"
    if isinstance(exc, LimitExceededError):
        return "QueryTimeoutOrTooComplex"
    if isinstance(exc, InputError):
        return "InvalidRESTParameterError"
    return "InternalError"


def ods_error(message: str, error_code: str, status: int) -> JSONResponse:
    return JSONResponse({"message": message, "error_code": error_code}, status_code=status)


class OdsRoute(APIRoute):
    """Turns Socle's errors and FastAPI's parameter errors into ODS's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'] if p != 'query')} : {e['msg']}"
                    for e in exc.errors()
                )
                return ods_error(
                    f"Paramètre invalide — {problems}", "InvalidRESTParameterError", 400
                )
            except SocleError as exc:
                status = 400 if isinstance(exc, LimitExceededError) else exc.status
                return ods_error(exc.message, _error_code(exc), status)

        return guarded


def _ods_problem(description: str) -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": ["message", "error_code"],
        "properties": {"message": {"type": "string"}, "error_code": {"type": "string"}},
    }
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# Declared for the OpenAPI description: these replace the app's problem+json ones.
ODS_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _ods_problem("Paramètre invalide (ODSQLError, InvalidRESTParameterError...)"),
    401: _ods_problem("Jeton absent, invalide, expiré ou révoqué"),
    404: _ods_problem("Introuvable, ou invisible pour l'appelant (NotFound)"),
    "4XX": _ods_problem("Autre refus"),
    "5XX": _ods_problem("Erreur du serveur"),
}
router = APIRouter(
    prefix="/api/explore/v2.1", tags=["compatibilité Opendatasoft"], responses=ODS_ERRORS
)
router.route_class = OdsRoute
Text = Annotated[str | None, Query(max_length=4000)]
Repeated = Annotated[list[str] | None, Query(max_length=1000)]


def _bounded(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise OdsError(
            f"Valeur invalide pour le paramètre {name} : {value} reçu, "
            f"{low} <= {name} <= {high} attendu"
        )
    return value


def _page(limit: int, offset: int) -> tuple[int, int]:
    """ODS's paging rules: limit in [-1, 100] (-1: 100), offset + limit at most 10 000."""
    limit = _bounded("limit", limit, -1, MAX_LIMIT)
    limit = MAX_LIMIT if limit == -1 else limit
    offset = _bounded("offset", offset, 0, MAX_WINDOW)
    if offset + limit > MAX_WINDOW:
        raise OdsError(
            f"offset + limit ne peut dépasser {MAX_WINDOW} ({offset} + {limit} reçus) : "
            "utilisez les exports pour tout lire"
        )
    return limit, offset


def _check_locale(lang: str | None, timezone: str | None) -> None:
    """ODS accepts ``lang`` and ``timezone``; Socle checks them, values are returned as stored."""
    if lang is not None and not (len(lang) == 2 and lang.isalpha()):
        raise OdsError(f"Langue « {lang} » invalide : un code à deux lettres est attendu (fr, en)")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise OdsError(f"Fuseau horaire « {timezone} » inconnu (ex. Europe/Paris)") from None


def clauses(
    select: Text = None, where: Text = None, group_by: Text = None, order_by: Text = None
) -> RecordQuery:
    """The ODSQL clauses of a records query or of an export (paging is theirs)."""
    return RecordQuery(select=select, where=where, group_by=group_by, order_by=order_by)


ClausesDep = Annotated[RecordQuery, Depends(clauses)]


def paging(
    limit: int = 10,
    offset: int = 0,
    lang: Annotated[str | None, Query(max_length=10)] = None,
    timezone: Annotated[str | None, Query(max_length=64)] = None,
) -> tuple[int, int]:
    """A records page's limit and offset (see _page); the locale checked."""
    page = _page(limit, offset)
    _check_locale(lang, timezone)
    return page


def query_params(
    clauses: ClausesDep, page: Annotated[tuple[int, int], Depends(paging)]
) -> RecordQuery:
    limit, offset = page
    return replace(clauses, limit=limit, offset=offset)


QueryDep = Annotated[RecordQuery, Depends(query_params)]


def refinements(refine: Repeated = None, exclude: Repeated = None) -> ods.Refinements:
    return ods.Refinements(tuple(refine or ()), tuple(exclude or ()))


RefineDep = Annotated[ods.Refinements, Depends(refinements)]


@router.get("/catalog/datasets")
def catalog_datasets(
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    query: QueryDep,
    refined: RefineDep,
) -> dict[str, Any]:
    """Datasets the caller may see, queried with ODSQL on their metadata."""
    total, results = ods_catalog.search(instance, principal, query, refined, base)
    return {"total_count": total, "results": results}


@router.get("/catalog/facets")
def catalog_facets(
    instance: InstanceDep,
    principal: PrincipalDep,
    refined: RefineDep,
    where: Text = None,
    facet: Repeated = None,
) -> dict[str, Any]:
    groups = ods_catalog.facets(instance, principal, where, facet or [], refined)
    return {"facets": groups}


@router.get("/catalog/datasets/{slug}")
def catalog_dataset(
    slug: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    return ods_catalog.get(instance, principal, slug, base)


@router.get("/catalog/datasets/{slug}/records")
def records(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    query: QueryDep,
    refined: RefineDep,
    include_links: bool = False,
) -> dict[str, Any]:
    """Rows of the latest version, flat, as ODS v2.1 answers them."""
    links = base if include_links else None
    page = ods.read(instance, principal, slug, query, refined, links)
    return {"total_count": page.total_count, "results": page.results}


@router.get("/catalog/datasets/{slug}/records/{record_id}")
def record(
    slug: str, record_id: str, instance: InstanceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One record by its id, the SHA-1 of its content."""
    return ods.read_one(instance, principal, slug, record_id)


@router.get("/catalog/datasets/{slug}/facets")
def dataset_facets(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    refined: RefineDep,
    where: Text = None,
    facet: Repeated = None,
) -> dict[str, Any]:
    groups = ods.record_facets(instance, principal, slug, where, facet or [], refined)
    return {"facets": groups}


@router.get(
    "/catalog/datasets/{slug}/exports/{fmt}", response_class=StreamingResponse, responses=EXPORTED
)
def export(
    slug: str,
    fmt: Literal["csv", "json", "geojson", "parquet", "xlsx"],
    instance: InstanceDep,
    principal: PrincipalDep,
    clauses: ClausesDep,
    refined: RefineDep,
    limit: int = -1,
    delimiter: Literal[",", ";", "\t", "|"] = ";",
    with_bom: bool = True,
) -> StreamingResponse:
    """The whole result (or its first ``limit`` rows), streamed; CSV ``;``-separated."""
    if limit < -1:
        raise OdsError(
            f"Valeur invalide pour le paramètre limit : {limit} reçu, -1 ou plus attendu"
        )
    query = replace(clauses, limit=None if limit == -1 else limit)
    query = ods.with_refinements(instance, principal, slug, query, refined)
    options: dict[str, Any] = {"delimiter": delimiter, "bom": with_bom} if fmt == "csv" else {}
    _, result = export_records(instance, principal, slug, query, fmt, **options)
    filename = f"{slug}.{result.extension}"
    return StreamingResponse(
        result.chunks,
        media_type=result.media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
