"""``/api/v1/datasets/{slug}/stats`` and ``/api/v1/stats``: usage statistics, through the policy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from socle.api.deps import Day, get_instance, get_principal
from socle.core.usage import reports
from socle.governance.policy import Principal
from socle.instance import Instance

router = APIRouter(tags=["statistiques"])
InstanceDep = Annotated[Instance, Depends(get_instance)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


@router.get("/datasets/{slug}/stats")
def dataset_stats(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    start: Annotated[
        Day | None, Query(alias="from", description="Premier jour (AAAA-MM-JJ) ; défaut : 12 mois")
    ] = None,
    end: Annotated[
        Day | None,
        Query(alias="to", description="Dernier jour (AAAA-MM-JJ) ; défaut : aujourd'hui"),
    ] = None,
) -> dict[str, Any]:
    """Page views, downloads by format and API calls: by month for every reader of the
    dataset, by day for its organization. Counted without cookies or personal data."""
    return reports.dataset_usage(instance, principal, slug, start, end)


@router.get("/stats")
def instance_stats(instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    """The last 30 days: totals and the most viewed, downloaded and queried datasets."""
    return reports.instance_summary(instance, principal)
