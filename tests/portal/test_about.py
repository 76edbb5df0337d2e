"""``/a-propos/api``: every API, with calls on a real dataset of the instance that work."""

from __future__ import annotations

import html as htmllib
import re

from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.instance import Instance
from tests.portal._html import check_page


def test_every_api_with_calls_on_a_dataset_of_the_instance(client: TestClient) -> None:
    response = client.get("/a-propos/api")
    assert response.status_code == 200
    assert check_page(response.text) == []
    text = htmllib.unescape(response.text)
    for section in ("/api/v1", "/catalog", "/api/3/action", "/api/explore/v2.1", "/api/ogc"):
        assert f"({section})</h2>" in text, section
    assert 'href="/api/v1/docs"' in text
    assert 'href="/a-propos/api"' in text  # in the menu and the footer
    # The examples name datasets of this instance ("arrets" is the geographic one), and
    # every call shown answers.
    calls = re.findall(r'<code><a href="http://testserver([^"]+)">', text)
    assert "/api/v1/datasets/arrets/records?limit=10" in calls
    assert "/api/ogc/collections/arrets/items?limit=10" in calls
    assert len(calls) >= 15
    for call in calls:
        assert client.get(call).status_code == 200, call


def test_english_and_without_any_dataset(instance: Instance) -> None:
    with TestClient(create_app(instance.settings, instance)) as client:
        response = client.get("/a-propos/api", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert check_page(response.text, "en") == []
    assert "<h1>About the APIs</h1>" in response.text
    assert "/api/v1/datasets/{slug}/records" in response.text  # a placeholder, no example
