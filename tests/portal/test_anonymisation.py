"""The anonymisation report on the derived dataset's Informations tab: over HTTP in French
and English, and in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from socle.api.app import create_app
from socle.config import Settings
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.governance.anonymisation.run import run_recipe
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from tests.governance.anonymisation.conftest import KEY, population, recipe, write_csv
from tests.portal._browser import CHROMIUM_ARGS, chromium_path, serve, watch
from tests.portal._html import check_page

PAGE = "/jeux-de-donnees/patients-anonymises"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    folder = tmp_path_factory.mktemp("portal-anonymisation")
    instance = open_instance(Settings(home=folder / "home", pseudonymisation_key=KEY))
    people = write_csv(folder / "p.csv", population(3000))
    metadata = parse_metadata(title="Patients", access="restricted", personal_data=True)
    add_version(instance, ADMIN, people, "patients", metadata=metadata)
    # A public survey without personal data: its unmet output may still be public.
    add_version(instance, ADMIN, people, "enquete", metadata=parse_metadata(access="public"))
    for source, slug, k in (("patients", "patients-anonymises", 5), ("enquete", "stricte", 400)):
        document = recipe(source={"dataset": source}, output={"dataset": slug, "access": "public"})
        document["k_anonymity"] = {**document["k_anonymity"], "k": k}
        if k > 5:
            document["k_anonymity"]["max_suppression"] = 0.2
        path = folder / f"{slug}.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        run_recipe(instance, ADMIN, path)
    yield instance
    instance.close()


def test_the_report_is_on_the_informations_tab(home: Instance) -> None:
    with TestClient(create_app(home.settings, home)) as client:
        page = client.get(PAGE)
        assert page.status_code == 200 and check_page(page.text) == []
        text = page.text
        assert "Rapport d'anonymisation" in text and "oui : seuils atteints" in text
        assert "dérivée d'un jeu de données non public" in text  # the source stays unnamed
        assert '/jeux-de-donnees/patients"' not in text and "« patients »" not in text
        english = client.get(PAGE, headers={"Accept-Language": "en"})
        assert "Anonymisation report" in english.text and check_page(english.text, "en") == []
        # A dataset from no anonymisation has no such section.
        assert "Rapport d'anonymisation" not in client.get("/jeux-de-donnees/patients").text


def test_an_unmet_run_says_why_in_chromium(home: Instance) -> None:
    path = chromium_path()
    problems: list[str] = []
    with serve(home) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            page = watch(browser.new_page(locale="fr-FR"), problems)
            page.goto(base + "/jeux-de-donnees/stricte")
            page.get_by_role("link", name="/api/v1/datasets/stricte/anonymisation").wait_for()
            intro = page.locator("#anonymisation + p").inner_text()
            assert "version 1 de « enquete »" in intro  # a public source is named
            report = page.get_by_role("table", name="Rapport d'anonymisation")
            assert "k-anonymat non atteint : k = 1 au lieu de 400" in report.inner_text()
            assert report.locator(".fr-badge--warning").inner_text().lower() == "non"
        finally:
            browser.close()
    assert problems == []
