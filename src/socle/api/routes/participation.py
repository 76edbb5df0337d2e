"""``/api/v1/reuses``, ``/api/v1/requests``, a dataset's reuses and comments: published
contributions only, read-only; the datasets they cite go through the policy.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.core import participation
from socle.core.participation import Status
from socle.core.participation.views import comment_view, request_view, reuse_view

router = APIRouter(tags=["participation"])
Page = Annotated[int, Query(ge=1, le=10_000, description="Numéro de page")]
PageSize = Annotated[int, Query(ge=1, le=100, description="Éléments par page")]


@router.get("/reuses")
def reuses(
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    page: Page = 1,
    page_size: PageSize = 20,
) -> dict[str, Any]:
    """Published reuses, newest first (only the datasets the caller may see are listed)."""
    total, entries = participation.list_reuses(instance, principal, page=page, page_size=page_size)
    return {"total_count": total, "results": [reuse_view(e, base) for e in entries]}


@router.get("/reuses/{reuse_id}")
def reuse(reuse_id: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl) -> Any:
    return reuse_view(participation.get_reuse(instance, principal, reuse_id), base)


@router.get("/datasets/{slug}/reuses")
def dataset_reuses(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    page: Page = 1,
    page_size: PageSize = 20,
) -> dict[str, Any]:
    """Published reuses of a dataset the caller may see."""
    total, entries = participation.list_reuses(
        instance, principal, dataset=slug, page=page, page_size=page_size
    )
    return {"total_count": total, "results": [reuse_view(e, base) for e in entries]}


@router.get("/datasets/{slug}/comments")
def dataset_comments(slug: str, instance: InstanceDep, principal: PrincipalDep) -> Any:
    """Published comments on a dataset the caller may see, oldest first."""
    comments = participation.list_comments(instance, principal, slug)
    return {"total_count": len(comments), "results": [comment_view(c) for c in comments]}


@router.get("/requests")
def requests(
    instance: InstanceDep,
    principal: PrincipalDep,
    base: BaseUrl,
    status: Annotated[
        Literal["open", "answered", "closed"] | None,
        Query(description="open (ouverte), answered (répondue), closed (fermée)"),
    ] = None,
    page: Page = 1,
    page_size: PageSize = 20,
) -> dict[str, Any]:
    """Published dataset requests, newest first."""
    total, rows = participation.list_requests(
        instance,
        principal,
        status=Status(status) if status else None,
        page=page,
        page_size=page_size,
    )
    return {"total_count": total, "results": [request_view(r, principal, base) for r in rows]}


@router.get("/requests/{request_id}")
def request(request_id: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl) -> Any:
    found = participation.get_request(instance, principal, request_id)
    return request_view(found, principal, base)
