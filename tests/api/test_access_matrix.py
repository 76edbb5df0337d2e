"""Every route, enumerated from the app's route table, keeps internal data from callers who
may not read it: anonymous visitors, and signed-in users without powers (an agent of the
owning organization calling with an API token: roles get their rights in a later slice).

A new route is covered automatically: if it takes a dataset slug it must answer 404 for an
internal dataset; if it does not, the internal dataset's slug and title must not appear in
what it returns. Routes that cannot be checked this way must be listed in EXEMPT, with why;
routes for signed-in people only are in SIGNED_IN with the status each caller gets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from socle.core.memberships import set_membership
from socle.core.organizations import create_organization
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.instance import Instance
from tests.portal.conftest import add_geojson

CALLERS = ("anonymous", "agent")

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
# Signed-in pages: path -> status per caller (an API token never manages its own account).
SIGNED_IN: dict[str, dict[str, int]] = {
    "/api/v1/me": {"anonymous": 401, "agent": 200},
    "/mon-compte": {"anonymous": 303, "agent": 303},
    "/connexion/code": {"anonymous": 303, "agent": 303},  # only after the password step
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


def fill(path: str, slug: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return slug if name == "slug" else SAMPLE_VALUES.get(name, "agglo")

    return re.sub(r"\{([^}]+)\}", value, path)


@pytest.fixture(params=CALLERS)
def headers(request: pytest.FixtureRequest, instance: Instance) -> dict[str, str]:
    """The caller's credentials: none, or an agent of the owning organization's token."""
    if request.param == "anonymous":
        return {}
    create_organization(instance, "voisine", "Commune voisine")
    user = create_user(instance, "agent@voisine.fr", "une phrase de passe solide")
    set_membership(instance, "voisine", "agent@voisine.fr", "agent")
    _, secret = create_token(instance, user.id, "matrice", "read")
    return {"Authorization": f"Bearer {secret}"}


def caller(headers: dict[str, str]) -> str:
    return "agent" if headers else "anonymous"


def test_every_route_is_checked(client: TestClient) -> None:
    routes = get_routes(client)
    assert "/api/v1/datasets/{slug}/records" in routes
    assert "/api/v1/organizations/{slug}" in routes


def test_dataset_routes_hide_internal_datasets(
    client: TestClient, instance: Instance, tmp_path: Path, headers: dict[str, str]
) -> None:
    # Map routes need a dataset with geometries.
    place = ({"type": "Point", "coordinates": [5.2, 46.2]}, {"nom": "Gare"})
    add_geojson(instance, tmp_path, "lieux", [place], "Lieux")
    for path in get_routes(client):
        if "{slug}" not in path or "organi" in path or path.startswith(GEO_ONLY):
            continue
        response = client.get(fill(path, "subventions"), headers=headers)
        assert response.status_code == 404, f"{path} revealed an internal dataset"
        public_slug = "lieux" if "/carte" in path else "comptages"
        public = client.get(fill(path, public_slug), headers=headers)
        assert public.status_code == 200, f"{path} fails on a public dataset: {public.text[:200]}"


def test_other_routes_never_mention_internal_datasets(
    client: TestClient, headers: dict[str, str]
) -> None:
    for path in get_routes(client):
        if "{slug}" in path and "organi" not in path:
            continue
        response = client.get(fill(path, "agglo"), headers=headers, follow_redirects=False)
        expected = SIGNED_IN.get(path, {}).get(caller(headers), 200)
        assert response.status_code == expected, f"{path}: {response.status_code}"
        text = response.text
        assert "subventions" not in text.lower(), f"{path} mentions the internal dataset"
        assert "brouillon" not in text.lower(), f"{path} shows the internal dataset's title"
