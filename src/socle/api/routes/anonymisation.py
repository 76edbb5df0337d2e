"""``/api/v1/datasets/{slug}/anonymisation``: the report behind an anonymised dataset."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from socle.api.deps import get_instance, get_principal
from socle.governance.anonymisation.lineage import latest_report
from socle.governance.policy import Principal
from socle.instance import Instance

router = APIRouter(tags=["anonymisation"])
InstanceDep = Annotated[Instance, Depends(get_instance)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


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
