"""``/api/v1/me``: who the API sees — to check a token before using it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from socle.api.deps import get_principal
from socle.errors import UnauthorizedError
from socle.governance.policy import Principal

router = APIRouter(tags=["comptes"])


@router.get("/me")
def me(principal: Annotated[Principal, Depends(get_principal)]) -> dict[str, Any]:
    """The caller's account, memberships and, for a token, its scope."""
    if principal.user_id is None:
        raise UnauthorizedError("Authentification requise : « Authorization: Bearer <jeton> »")
    token = principal.token
    return {
        "email": principal.name,
        "superadmin": principal.is_superadmin,
        "memberships": [
            {"organization_id": m.organization_id, "role": m.role.value}
            for m in principal.memberships
        ],
        "token": None
        if token is None
        else {
            "id": token.token_id,
            "scope": token.scope.value,
            "dataset_id": token.dataset_id,
            "organization_id": token.organization_id,
        },
    }
