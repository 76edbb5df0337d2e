"""The one error boundary: SocleError -> problem+json for the API, a French page for the portal."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from socle.errors import InputError, NotFoundError, SocleError

log = logging.getLogger("socle.api")
PROBLEM_JSON = "application/problem+json"
# RFC 9457 body as SocleError.to_problem writes it; extra members (parameter, position...) allowed.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
}


def csv_success(description: str) -> dict[int | str, dict[str, Any]]:
    """A route's success declared as a CSV file (the default says JSON)."""
    return {200: {"description": description, "content": {"text/csv": {}}}}


def problem(description: str) -> dict[str, Any]:
    """An OpenAPI response answered in problem+json."""
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}


# What every API route may answer besides its success, declared once for the OpenAPI
# description. "4XX" also stops FastAPI from declaring a 422 the boundary never sends.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: problem("Paramètre invalide (requête, filtre, pagination...)"),
    401: problem("Jeton absent, invalide, expiré ou révoqué"),
    404: problem("Introuvable, ou invisible pour l'appelant"),
    "4XX": problem("Autre refus (ex. 413 : limite de temps ou de taille dépassée)"),
    "5XX": problem("Erreur du serveur ; 503 : ressource indisponible, réessayer plus tard"),
}


# Paths read by programs, not people: errors there answer in problem+json, never a page.
MACHINE_PATHS = ("/api/", "/catalog", "/organizations/")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PATHS)


def problem_response(error: SocleError, request: Request) -> Response:
    if not _is_api(request) and hasattr(request.app.state, "render_error"):
        return request.app.state.render_error(request, error)  # type: ignore[no-any-return]
    body = error.to_problem()
    body["instance"] = request.url.path
    return JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_JSON, headers=error.headers()
    )


def install(app: FastAPI) -> None:
    """Register the handlers; every error leaves the app through here."""

    @app.exception_handler(SocleError)
    async def _socle(request: Request, exc: SocleError) -> Response:
        if exc.status >= 500:
            log.error("%s: %s (%s)", type(exc).__name__, exc.message, exc.detail)
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'query')} : {e['msg']}"
            for e in exc.errors()
        )
        return problem_response(InputError(f"Paramètre invalide — {problems}"), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return problem_response(NotFoundError("Cette adresse n'existe pas"), request)
        error = SocleError(str(exc.detail))
        error.status = exc.status_code  # type: ignore[misc]
        return problem_response(error, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        response = problem_response(SocleError("Une erreur inattendue est survenue"), request)
        # Starlette answers this one outside every middleware: the security headers too.
        policy = getattr(request.app.state, "header_policy", None)
        if policy is not None:
            policy.apply(response.headers, request.scope)
        return response
