"""``/api/v1/organizations``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from socle.api.deps import InstanceDep, PrincipalDep
from socle.core.organizations import get_organization, list_organizations
from socle.core.views import organization_view

router = APIRouter(tags=["organisations"])


@router.get("/organizations")
def organizations(instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Organizations with the number of datasets the caller can see."""
    rows = list_organizations(instance, principal)
    return {
        "total_count": len(rows),
        "results": [organization_view(org, count) for org, count in rows],
    }


@router.get("/organizations/{slug}")
def organization(slug: str, instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    org = get_organization(instance, slug)
    count = dict((o.slug, n) for o, n in list_organizations(instance, principal))[org.slug]
    return organization_view(org, count)
