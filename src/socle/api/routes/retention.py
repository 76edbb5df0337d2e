"""Retention through the API: a dataset's rule (set, removed) and an organization's upcoming
purges for its DPO, administrators and data officers (404 for anyone else)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from socle.api.deps import InstanceDep, PrincipalDep
from socle.governance.retention import setting, upcoming
from socle.governance.retention.rules import RetentionRule

router = APIRouter(tags=["conservation"])


@router.put("/datasets/{slug}/retention")
def set_retention(
    slug: str, rule: RetentionRule, instance: InstanceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Set how long the dataset keeps its data (``period`` ISO 8601, optional ``date_column``)."""
    dataset = setting.set_rule(instance, principal, slug, rule)
    return {"dataset": slug, "retention": dataset.retention}


@router.delete("/datasets/{slug}/retention")
def clear_retention(slug: str, instance: InstanceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Remove the rule: the data is kept without limit."""
    setting.set_rule(instance, principal, slug, None)
    return {"dataset": slug, "retention": None}


@router.get("/organizations/{slug}/retention")
def upcoming_purges(
    slug: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    days: Annotated[int, Query(ge=1, le=upcoming.MAX_DAYS, description="Horizon en jours")] = 30,
) -> dict[str, Any]:
    """Per dataset under a rule: next purge, rows and versions expired now and within ``days``."""
    outlook = upcoming.upcoming_purges(instance, principal, slug, days)
    return {"organization": slug, "days": days, "results": [item.view() for item in outlook]}
