"""Request-scoped dependencies: the instance and who is asking."""

from __future__ import annotations

from fastapi import Request

from socle.api.auth import current_principal
from socle.governance.policy import Principal
from socle.instance import Instance


def get_instance(request: Request) -> Instance:
    return request.app.state.instance  # type: ignore[no-any-return]


def get_principal(request: Request) -> Principal:
    """An API token's user, a signed-in user, or ANONYMOUS (see socle.api.auth)."""
    return current_principal(request)


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")
