"""``/api/v1/schemas``: the instance's schema registry and the datasets that conform."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from socle.api.deps import BaseUrl, InstanceDep, PrincipalDep
from socle.core import schemas
from socle.core.views import schema_view

router = APIRouter(tags=["schémas"])


@router.get("/schemas")
def list_schemas(instance: InstanceDep, base: BaseUrl) -> dict[str, Any]:
    """Every registered schema version, by name, newest version first."""
    records = schemas.list_schemas(instance)
    return {"total_count": len(records), "results": [schema_view(r, base) for r in records]}


@router.get("/schemas/{reference}")
def get_schema(
    reference: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> dict[str, Any]:
    """One version (``name@version``, or ``name`` for the latest), its descriptor and the
    datasets the caller may see that conform to it."""
    record = schemas.get_schema(instance, reference)
    view = schema_view(record, base, full=True)
    view["datasets"] = [
        {"slug": d.slug, "title": d.title, "links": {"self": f"{base}/api/v1/datasets/{d.slug}"}}
        for d in schemas.conforming_datasets(instance, principal, record)
    ]
    return view
