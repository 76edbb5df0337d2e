"""DSFR comes from npm and is served by Socle itself: no CDN, nothing fetched elsewhere."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.instance import Instance
from socle.portal.assets import DSFR_DIST, find_node_modules


def test_assets_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assert "https://" not in html.split("<body")[0]  # no CDN in the head
    assert 'src="/static/dsfr/dsfr.module.min.js"' in html
    for path in (
        "/static/dsfr/dsfr.min.css",
        "/static/dsfr/dsfr.module.min.js",
        "/static/dsfr/dsfr.nomodule.min.js",
        "/static/dsfr/utility/icons/icons.min.css",
        "/static/dsfr/favicon/favicon.svg",
        "/static/socle/socle.css",
    ):
        assert client.get(path).status_code == 200, path


def test_assets_dir_setting(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / DSFR_DIST).mkdir(parents=True)
    (tmp_path / DSFR_DIST / "dsfr.min.css").write_text("")
    assert find_node_modules(tmp_path) == tmp_path
    with caplog.at_level(logging.WARNING, logger="socle.portal"):
        assert find_node_modules(tmp_path / "ailleurs") is None
    assert "npm ci --ignore-scripts" in caplog.text


def test_pages_still_work_unstyled_without_dsfr(
    instance: Instance,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = instance.settings.model_copy(update={"assets_dir": tmp_path / "vide"})
    with caplog.at_level(logging.WARNING, logger="socle.portal"):
        app = create_app(settings, instance)
    assert len(caplog.records) == 1
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
        assert client.get("/static/dsfr/dsfr.min.css").status_code == 404


def test_api_docs_are_served_without_a_cdn(client: TestClient) -> None:
    html = client.get("/api/v1/docs").text
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
