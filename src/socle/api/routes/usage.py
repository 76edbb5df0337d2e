"""``/api/v1/datasets/{slug}/stats`` and ``/api/v1/stats``: usage statistics, through the policy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from socle.api.deps import Day, InstanceDep, PrincipalDep
from socle.core.usage import reports

router = APIRouter(tags=["statistiques"])


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
