"""What every tab of a dataset's page shows: its header, and whether it has data, a map."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from socle.core import catalog
from socle.core.tableschema import geometry_field
from socle.core.views import dataset_view
from socle.errors import NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance

EMBED_PREFIX = "/embed"
PAGE_LAYOUT = "_dataset_layout.html"
EMBED_LAYOUT = "_embed_layout.html"


def dataset_context(
    instance: Instance, principal: Principal, base: str, slug: str, *, needs_data: bool = False
) -> dict[str, Any]:
    """The dataset as the tabs' templates read it; a tab that needs rows is 404 without."""
    view = dataset_view(catalog.get_entry(instance, principal, slug), base)
    schema = view["schema"] or {}
    if needs_data and view["latest"] is None:
        raise NotFoundError(f"Le jeu de données « {slug} » n'a pas encore de version publiée")
    return {
        "d": view,
        "fields": schema.get("fields", []),
        "geo": geometry_field(schema),
        "section": "catalog",
        "base": base,
    }


def is_embed(request: Request) -> bool:
    """Embeds share their page's handler and query string, under ``/embed``."""
    return request.url.path.startswith(EMBED_PREFIX + "/")


def layout(request: Request) -> str:
    return EMBED_LAYOUT if is_embed(request) else PAGE_LAYOUT
