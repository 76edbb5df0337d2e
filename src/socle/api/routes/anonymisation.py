"""``/api/v1/datasets/{slug}/anonymisation``: the report behind an anonymised dataset."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from socle.api.deps import InstanceDep, PrincipalDep
from socle.governance.anonymisation.lineage import latest_report

router = APIRouter(tags=["anonymisation"])


@router.get("/datasets/{slug}/anonymisation")
def anonymisation_report(
    slug: str, instance: InstanceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """The anonymisation run that produced the dataset's latest version (``run``, null when
    the dataset comes from no anonymisation): k achieved, rows and cells suppressed, ℓ, and
    whether it may be published. Readable by whoever may read the dataset; the source is
    named only to those who may read it too."""
    view = latest_report(instance, principal, slug)
    return {"dataset": slug, "run": view.as_dict() if view else None}
