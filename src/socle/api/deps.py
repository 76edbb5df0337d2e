"""Request-scoped dependencies: the instance and who is asking."""

from __future__ import annotations

from fastapi import Request

from socle.governance.policy import ANONYMOUS, Principal
from socle.instance import Instance


def get_instance(request: Request) -> Instance:
    return request.app.state.instance  # type: ignore[no-any-return]


def get_principal(request: Request) -> Principal:
    """Every HTTP caller is anonymous until accounts and tokens exist (governance issue)."""
    return ANONYMOUS


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")
