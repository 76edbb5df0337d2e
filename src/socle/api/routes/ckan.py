"""The CKAN Action API at ``/api/3/action/{name}`` (and ``/api/action/{name}``, as ckanapi calls).

Answers keep CKAN's envelope, ``{"help", "success", "result"}``, and its errors,
``{"help", "success": false, "error": {"__type", "message" | field: [messages]}}`` with CKAN's
statuses, so CKAN clients and harvesters work unchanged. Errors are shaped here rather than
by the problem+json boundary, which serves Socle's own API.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from socle.api.deps import base_url, get_instance, get_principal
from socle.core.ckan import ACTIONS, CkanContext, call
from socle.core.ckan.errors import CkanError, CkanValidationError
from socle.errors import InputError, LimitExceededError, NotFoundError, SocleError

router = APIRouter(tags=["API compatible CKAN"])
log = logging.getLogger("socle.api.ckan")
JSON_TYPE = "application/json;charset=utf-8"
MAX_BODY = 1 << 20
_WRITE_ACTION = re.compile(r"^[a-z_]+_(create|update|patch|delete|purge|revise)$")


def _ckan(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ENVELOPE = {"type": "object", "required": ["help", "success"]}
# Declared for the OpenAPI description: CKAN's shapes, not the app's problem+json.
CKAN_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _ckan("Enveloppe CKAN : help, success, result", ENVELOPE),
    400: _ckan("Action inconnue ou requête illisible (une chaîne JSON)", {"type": "string"}),
    "4XX": _ckan("Enveloppe CKAN : help, success: false, error", ENVELOPE),
    "5XX": _ckan("Enveloppe CKAN : help, success: false, error", ENVELOPE),
}


class BadActionRequest(Exception):
    """CKAN answers these with a bare JSON string and status 400, not with its envelope."""


@router.get(
    "/api/3/action/{name}",
    summary="Action CKAN (GET)",
    operation_id="ckan_action_get",
    responses=CKAN_RESPONSES,
)
@router.post(
    "/api/3/action/{name}",
    summary="Action CKAN (POST)",
    operation_id="ckan_action_post",
    responses=CKAN_RESPONSES,
)
@router.api_route("/api/action/{name}", methods=["GET", "POST"], include_in_schema=False)
async def action(name: str, request: Request) -> Response:
    """Run one CKAN action with the query string (GET) or the JSON body (POST) as data."""
    base = base_url(request)
    help_url = f"{base}/api/3/action/help_show?name={name}"
    if _WRITE_ACTION.fullmatch(name):
        error = {"__type": "Authorization Error", "message": "Accès refusé : API en lecture seule"}
        return _envelope(help_url, 403, error=error)
    if name not in ACTIONS:
        return _bad_request(f"action inconnue : {name}")
    try:
        data = await _request_data(request)
    except BadActionRequest as exc:
        return _bad_request(str(exc))
    ctx = CkanContext(get_instance(request), get_principal(request), base)
    try:
        result = await run_in_threadpool(call, ctx, name, data)
    except Exception as exc:  # every failure keeps CKAN's shape, never a traceback
        status, error = _error(exc)
        return _envelope(help_url, status, error=error)
    return _envelope(help_url, 200, result=result)


async def _request_data(request: Request) -> dict[str, Any]:
    body = b"" if request.method == "GET" else await request.body()
    return action_data(
        request.method,
        request.headers.get("content-type", ""),
        request.query_params.multi_items(),
        body,
    )


def action_data(
    method: str, content_type: str, query: list[tuple[str, str]], body: bytes
) -> dict[str, Any]:
    """The data_dict as CKAN reads it: form fields, else the query string, else a JSON body.

    A plain function of the request's parts, so the usage counter (api.usage) reads the
    ``resource_id`` of a ``datastore_search`` exactly as the action did.
    """
    if method == "GET":
        return _mixed(query)
    if len(body) > MAX_BODY:
        raise BadActionRequest("corps de requête trop volumineux (1 Mio au plus)")
    if content_type.startswith("multipart/form-data"):
        raise BadActionRequest("envoi de fichiers non pris en charge : API en lecture seule")
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            items = parse_qsl(body.decode(), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadActionRequest(f"formulaire illisible : {exc}") from None
        if len(items) == 1 and items[0][1] in ("", "1"):
            body = items[0][0].encode()  # CKAN's old clients post the JSON as a form key
        elif items:
            return _mixed(items)
    elif query:
        return _mixed(query)
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadActionRequest(f"JSON invalide : {exc}") from None
    if not isinstance(data, dict):
        raise BadActionRequest("les données JSON doivent être un objet")
    return data


def _mixed(items: list[tuple[str, str]]) -> dict[str, Any]:
    """One value per key, or a list when a key repeats (CKAN's own rule)."""
    data: dict[str, Any] = {}
    for key, value in items:
        if key in data:
            data[key] = [*data[key], value] if isinstance(data[key], list) else [data[key], value]
        else:
            data[key] = value
    return data


def _error(exc: Exception) -> tuple[int, dict[str, Any]]:
    """CKAN's status and error dict for an exception raised by an action."""
    if isinstance(exc, CkanValidationError):
        return exc.status, {**exc.errors, "__type": exc.ckan_type}
    if isinstance(exc, CkanError):
        return exc.status, {"__type": exc.ckan_type, "message": exc.message}
    if isinstance(exc, NotFoundError):
        return 404, {"__type": "Not Found Error", "message": f"Introuvable : {exc.message}"}
    if isinstance(exc, LimitExceededError):
        return 409, {"__type": "Validation Error", "query": [exc.message]}
    if isinstance(exc, InputError):
        return 409, {"__type": "Validation Error", "message": exc.message}
    if isinstance(exc, SocleError) and exc.status < 500:
        return exc.status, {"__type": "Validation Error", "message": exc.message}
    log.error("CKAN action failed", exc_info=exc)
    status = exc.status if isinstance(exc, SocleError) else 500
    return status, {"__type": "Internal Server Error", "message": "Erreur interne"}


def _envelope(help_url: str, status: int, **fields: Any) -> JSONResponse:
    body = {"help": help_url, "success": status == 200, **fields}
    return JSONResponse(body, status_code=status, media_type=JSON_TYPE)


def _bad_request(detail: str) -> JSONResponse:
    return JSONResponse(f"Requête invalide - {detail}", status_code=400, media_type=JSON_TYPE)
