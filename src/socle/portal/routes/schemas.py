"""``/schemas``: the schemas datasets conform to, and each one's fields and datasets."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from socle.core import schemas
from socle.core.views import schema_view
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/schemas", response_class=HTMLResponse)
def schemas_page(request: Request, instance: InstanceDep, base: BaseUrl) -> HTMLResponse:
    records = schemas.list_schemas(instance)
    return render(
        request, "schemas.html", section="schemas", schemas=[schema_view(r, base) for r in records]
    )


@router.get("/schemas/{reference}", response_class=HTMLResponse)
def schema_page(
    request: Request, reference: str, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    record = schemas.get_schema(instance, reference)
    return render(
        request,
        "schema.html",
        section="schemas",
        s=schema_view(record, base),
        fields=schemas.table_schema(record).fields,
        datasets=schemas.conforming_datasets(instance, principal, record),
        versions=[
            schema_view(r, base) for r in schemas.list_schemas(instance) if r.name == record.name
        ],
    )
