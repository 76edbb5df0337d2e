"""``/api/v1/me``: who the API sees — to check a token before using it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from socle.api.deps import get_instance, get_principal
from socle.core import participation
from socle.errors import UnauthorizedError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.tables import as_utc

router = APIRouter(tags=["comptes"])


def signed_in(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if principal.user_id is None:
        raise UnauthorizedError("Authentification requise : « Authorization: Bearer <jeton> »")
    return principal


SignedIn = Annotated[Principal, Depends(signed_in)]


@router.get("/me")
def me(principal: SignedIn) -> dict[str, Any]:
    """The caller's account, memberships and, for a token, its scope."""
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


@router.get("/me/notifications")
def notifications(
    principal: SignedIn,
    instance: Annotated[Instance, Depends(get_instance)],
    unread: Annotated[bool, Query(description="Seulement les notifications non lues")] = False,
    limit: Annotated[int, Query(ge=1, le=100, description="Nombre maximal")] = 50,
) -> dict[str, Any]:
    """The caller's notifications, newest first: contributions (reuses, comments, requests)
    about the datasets they steward or, for administrators and data officers, about their
    organizations' datasets."""
    rows = participation.inbox(instance, principal, unread_only=unread, limit=limit)
    return {
        "results": [
            {
                "id": n.id,
                "created_at": as_utc(n.created_at).isoformat(),
                "event": n.event,
                "subject": {"kind": n.subject_kind, "id": n.subject_id},
                "message": n.message,
                "dataset": n.dataset,
                "organization": n.organization,
                "read": n.read_at is not None,
            }
            for n in rows
        ]
    }
