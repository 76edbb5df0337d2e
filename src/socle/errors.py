"""Socle's one exception tree.

Every failure that Socle reports to a user is a :class:`SocleError`. Each class carries:

- ``status``: the HTTP status the API answers with;
- ``type_slug``: a stable identifier, the last segment of the problem+json ``type`` URI;
- ``retryable``: whether a job that hit it may try again later (network, locked resource);
- ``message``: a French text safe to show to anyone; ``detail`` holds internal context
  (never shown to anonymous users).

Tree::

    SocleError (500, internal-error)
    ├── InputError (400, invalid-input)          bad file or bad argument: never retried
    │   ├── UnreadableFileError (422, unreadable-file)   a file that cannot be ingested
    │   ├── QuerySyntaxError (400, query-syntax)         a query parameter that does not parse
    │   └── InvalidSchemaError (422, invalid-schema)     a Table Schema Socle cannot apply
    ├── UnauthorizedError (401, unauthorized)     a missing, invalid, expired or revoked credential
    ├── ForbiddenError (403, forbidden)           e.g. a portal form without its CSRF token
    ├── NotFoundError (404, not-found)            also answered for what the policy hides
    ├── ConflictError (409, conflict)
    ├── GoneError (410, gone)                    a version whose files were purged (retention)
    ├── LimitExceededError (413, limit-exceeded)  query time, memory or size bounds
    ├── TooManyRequestsError (429, too-many-requests)  a rate limit: retryable after a wait
    └── UnavailableError (503, unavailable)       a resource is busy or down: retryable

Findings (quality problems in data) are not exceptions: they are data in reports.
"""

from __future__ import annotations

from typing import Any, ClassVar


class SocleError(Exception):
    """Root of every error Socle reports."""

    status: ClassVar[int] = 500
    type_slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Erreur interne"
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, detail: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.extra = extra

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer must carry (e.g. ``WWW-Authenticate``)."""
        return {}

    def to_problem(self) -> dict[str, Any]:
        """The RFC 9457 problem+json body (without internal detail)."""
        body: dict[str, Any] = {
            "type": f"https://socle.example/problems/{self.type_slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
        }
        body.update({k: v for k, v in self.extra.items() if v is not None})
        return body


class InputError(SocleError):
    """The caller gave something Socle cannot use; retrying the same input fails again."""

    status = 400
    type_slug = "invalid-input"
    title = "Entrée invalide"


class UnreadableFileError(InputError):
    """A file that cannot be read as the format it claims; names the file and the line."""

    status = 422
    type_slug = "unreadable-file"
    title = "Fichier illisible"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        detail: str | None = None,
    ) -> None:
        where = file or ""
        if line is not None:
            where = f"{where}, ligne {line}" if where else f"ligne {line}"
        full = f"{where} : {message}" if where else message
        super().__init__(full, detail=detail, file=file, line=line)
        self.file = file
        self.line = line


class QuerySyntaxError(InputError):
    """A query parameter that does not parse; ``position`` is the 0-based offset of the problem."""

    type_slug = "query-syntax"
    title = "Requête invalide"

    def __init__(
        self,
        message: str,
        *,
        parameter: str,
        position: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, detail=detail, parameter=parameter, position=position)
        self.parameter = parameter
        self.position = position


class InvalidSchemaError(InputError):
    """A Table Schema that cannot be applied: bad JSON, unknown type, bad regex..."""

    status = 422
    type_slug = "invalid-schema"
    title = "Schéma invalide"

    def __init__(self, message: str, *, source: str | None = None, detail: str | None = None):
        full = f"{source} : {message}" if source else message
        super().__init__(full, detail=detail, source=source)


class UnauthorizedError(SocleError):
    """The request's credential (an API token) is missing, invalid, expired or revoked."""

    status = 401
    type_slug = "unauthorized"
    title = "Authentification requise"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="socle", error="invalid_token"'}


class ForbiddenError(SocleError):
    """The caller is known but the request is refused (never used to hide a dataset: 404)."""

    status = 403
    type_slug = "forbidden"
    title = "Accès refusé"


class NotFoundError(SocleError):
    """Nothing there, or nothing this caller may see (we never reveal which)."""

    status = 404
    type_slug = "not-found"
    title = "Introuvable"


class ConflictError(SocleError):
    """The request contradicts the current state (e.g. a slug already taken)."""

    status = 409
    type_slug = "conflict"
    title = "Conflit"


class LimitExceededError(SocleError):
    """A bound on time, memory, size or depth was reached."""

    status = 413
    type_slug = "limit-exceeded"
    title = "Limite dépassée"


class TooManyRequestsError(SocleError):
    """A caller sent more requests than its rate limit allows; it may retry after a wait."""

    status = 429
    type_slug = "too-many-requests"
    title = "Trop de requêtes"
    retryable = True

    def __init__(self, message: str, *, retry_after: int, detail: str | None = None) -> None:
        super().__init__(message, detail=detail, retry_after=retry_after)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class UnavailableError(SocleError):
    """A resource is busy or down; trying again later may work."""

    status = 503
    type_slug = "unavailable"
    title = "Service indisponible"
    retryable = True


class GoneError(SocleError):
    """What was there is gone for good: a version purged by the retention rules."""

    status = 410
    type_slug = "gone"
    title = "Supprimé"
