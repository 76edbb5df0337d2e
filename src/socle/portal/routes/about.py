"""``/a-propos/api``: every API of the portal, with examples on a dataset of this instance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from socle.core import catalog
from socle.core.tableschema import geometry_field
from socle.portal.preview import field_reference
from socle.portal.rendering import render
from socle.portal.routes._deps import BaseUrl, InstanceDep, PrincipalDep

router = APIRouter()


@router.get("/a-propos/api", response_class=HTMLResponse)
def about_api(
    request: Request, instance: InstanceDep, principal: PrincipalDep, base: BaseUrl
) -> HTMLResponse:
    published = sorted(
        (e for e in catalog.visible_entries(instance, principal) if e.latest is not None),
        key=lambda e: e.dataset.slug,
    )
    geographic = [e for e in published if e.latest and geometry_field(e.latest.table_schema)]
    return render(
        request,
        "about_api.html",
        section="about-api",
        base=base,
        example=_example(published[0]) if published else None,
        geo_example=_example(geographic[0]) if geographic else None,
    )


def _example(entry: catalog.Entry) -> dict[str, Any]:
    """A dataset to show calls on: its slug, id, and a text field to filter and group by."""
    fields = (entry.latest.table_schema if entry.latest else {}).get("fields", [])
    text = next((f["name"] for f in fields if f.get("type") == "string"), None)
    return {
        "slug": entry.dataset.slug,
        "id": entry.dataset.id,
        "title": entry.dataset.title,
        "field": field_reference(text) if text else None,
    }
