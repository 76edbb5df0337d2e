"""Every route, enumerated from the app's route table, keeps internal data from anonymous callers.

A new route is covered automatically: if it takes a dataset slug it must answer 404 for an
internal dataset; if it does not, the internal dataset's slug and title must not appear in
what it returns. Routes that cannot be checked this way must be listed in EXEMPT, with why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from starlette.routing import Mount

from socle.instance import Instance
from tests.api.test_participation import publish_contributions
from tests.portal.conftest import add_geojson

# Path parameter -> value to use when calling a route anonymously.
SAMPLE_VALUES = {
    "number": "1",
    "fmt": "csv",
    "path": "x",
    "reference": "aides@2",
    # ODS record id (SHA-1 of the content) of the first row of the public dataset
    "record_id": "fb6d2824c8beb4b06278aa7cc86b62f0cabde580",
    "name": "package_search",  # CKAN actions: the search must not count internal datasets
}
EXEMPT: dict[str, str] = {
    "/api/v1/openapi.json": "describes routes, holds no data",
    "/api/v1/docs": "static documentation page",
    "/api/v1/docs/oauth2-redirect": "static documentation helper",
}
# Routes serving geographic datasets only: the fixture's public dataset is not one, so
# tests/api/test_ogc.py runs the same check on them with public and internal geo datasets.
GEO_ONLY = "/api/ogc/collections/{slug}"


def walk(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, including those of included routers.

    Recent FastAPI keeps included routers as one node (``include_context`` holds the prefix).
    """
    found = []
    for route in routes:
        if isinstance(route, Mount):
            continue  # static assets
        context = getattr(route, "include_context", None)
        if context is not None:
            found += walk(route.original_router.routes, prefix + context.prefix)
        else:
            found.append((prefix + route.path, set(getattr(route, "methods", None) or ())))
    return found


def get_routes(client: TestClient) -> list[str]:
    routes = walk(client.app.routes)  # type: ignore[attr-defined]
    return [path for path, methods in routes if "GET" in methods and path not in EXEMPT]


def fill(path: str, slug: str, values: dict[str, str] | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return slug if name == "slug" else {**SAMPLE_VALUES, **(values or {})}.get(name, "agglo")

    return re.sub(r"\{([^}]+)\}", value, path)


def test_every_route_is_checked(client: TestClient) -> None:
    routes = get_routes(client)
    assert "/api/v1/datasets/{slug}/records" in routes
    assert "/api/v1/organizations/{slug}" in routes


def test_dataset_routes_hide_internal_datasets(
    client: TestClient, instance: Instance, tmp_path: Path
) -> None:
    # Map routes need a dataset with geometries.
    place = ({"type": "Point", "coordinates": [5.2, 46.2]}, {"nom": "Gare"})
    add_geojson(instance, tmp_path, "lieux", [place], "Lieux")
    for path in get_routes(client):
        if "{slug}" not in path or "organi" in path or path.startswith(GEO_ONLY):
            continue
        response = client.get(fill(path, "subventions"))
        assert response.status_code == 404, f"{path} revealed an internal dataset"
        public = client.get(fill(path, "lieux" if "/carte" in path else "comptages"))
        assert public.status_code == 200, f"{path} fails on a public dataset: {public.text[:200]}"


def test_other_routes_never_mention_internal_datasets(
    client: TestClient, instance: Instance
) -> None:
    # A published reuse and an answered request both cite the internal dataset.
    contributions = publish_contributions(instance)
    for path in get_routes(client):
        if "{slug}" in path and "organi" not in path:
            continue
        response = client.get(fill(path, "agglo", contributions))
        assert response.status_code == 200, f"{path}: {response.status_code}"
        text = response.text
        assert "subventions" not in text.lower(), f"{path} mentions the internal dataset"
        assert "brouillon" not in text.lower(), f"{path} shows the internal dataset's title"
