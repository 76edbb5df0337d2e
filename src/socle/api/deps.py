"""Request-scoped dependencies: the instance and who is asking."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BeforeValidator

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


# What routes ask for: ``instance: InstanceDep, principal: PrincipalDep, base: BaseUrl``.
InstanceDep = Annotated[Instance, Depends(get_instance)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
BaseUrl = Annotated[str, Depends(base_url)]


def _iso_day(value: Any) -> Any:
    """Only AAAA-MM-JJ: pydantic alone reads « 1.5 » as a Unix time, « 1970-01-01 »."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("date AAAA-MM-JJ attendue")
    return value


# A query parameter that is a calendar day.
Day = Annotated[date, BeforeValidator(_iso_day)]
