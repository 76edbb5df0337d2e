"""``/api/v1/datasets/{slug}/anonymisation``: the report for the derived dataset's readers,
the source kept behind the policy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import Settings
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance.anonymisation.run import run_recipe
from socle.governance.policy import ADMIN
from socle.instance import open_instance
from tests.governance.anonymisation.conftest import KEY, population, recipe, write_csv


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    folder = tmp_path_factory.mktemp("anonymisation")
    instance = open_instance(Settings(home=folder / "home", pseudonymisation_key=KEY))
    create_organization(instance, "agglo", "Agglomération du Val")
    metadata = parse_metadata(title="Patients", access="restricted", personal_data=True)
    people = write_csv(folder / "patients.csv", population(3000))
    add_version(instance, ADMIN, people, "patients", organization="agglo", metadata=metadata)
    document = recipe(output={"dataset": "patients-anonymises", "access": "public"})
    path = folder / "recette.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    run_recipe(instance, ADMIN, path)
    user = create_user(instance, "dpo@exemple.fr", "une phrase de passe solide")
    set_membership(instance, "agglo", "dpo@exemple.fr", "dpo")
    token = create_token(instance, user.id, "lecture", "read")[1]
    with TestClient(create_app(instance.settings, instance)) as client:
        yield client, token
    instance.close()


def test_anyone_reads_a_public_output_s_report_without_its_source(
    world: tuple[TestClient, str],
) -> None:
    client, _ = world
    response = client.get("/api/v1/datasets/patients-anonymises/anonymisation")
    assert response.status_code == 200
    run = response.json()["run"]
    assert run["publishable"] is True and run["version"] == 1
    assert run["report"]["k_anonymity"]["k_achieved"] >= 5
    assert run["report"]["l_diversity"]["l_min"] >= 2
    assert run["source"] is None and run["source_version"] is None
    assert '"patients"' not in response.text and KEY not in response.text
    # The source itself stays hidden, like a missing dataset.
    hidden = client.get("/api/v1/datasets/patients/anonymisation")
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"


def test_the_dpo_sees_the_source_too(world: tuple[TestClient, str]) -> None:
    client, token = world
    auth = {"Authorization": f"Bearer {token}"}
    run = client.get("/api/v1/datasets/patients-anonymises/anonymisation", headers=auth).json()
    assert run["run"]["source"] == "patients" and run["run"]["source_version"] == 1
    source = client.get("/api/v1/datasets/patients/anonymisation", headers=auth)
    assert source.status_code == 200 and source.json()["run"] is None
