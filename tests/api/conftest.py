"""An API client on a small instance: one public and one internal dataset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.schemas import add_schema
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import Instance

COUNTERS = (
    "identifiant;commune;code_insee;date_heure;comptage;mode\n"
    "C01;Bourg-en-Bresse;01053;2024-01-01T08:00:00;120;vélo\n"
    "C01;Bourg-en-Bresse;01053;2024-01-01T09:00:00;95;vélo\n"
    "C02;Péronnas;01289;2024-01-01T08:00:00;310;voiture\n"
    "C02;Péronnas;01289;2024-01-01T09:00:00;=1+1;voiture\n"
)
SUBSIDIES = "beneficiaire;montant\nClub de foot;1 500,50\nÉcole de musique;3 000\n"
COUNTERS_SCHEMA = {
    "name": "comptages-horaires",
    "version": "1.0.0",
    "title": "Comptages horaires",
    "fields": [
        {"name": "identifiant", "type": "string", "constraints": {"required": True}},
        {"name": "code_insee", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
        {"name": "comptage", "type": "integer"},
    ],
}
# Pinned by the internal dataset only: its schema page must not reveal it.
AID_SCHEMA = {"name": "aides", "version": "2", "fields": [{"name": "beneficiaire"}]}


def populate(instance: Instance, tmp_path: Path) -> None:
    create_organization(instance, "agglo", "Agglomération du Val", siren="200071751")
    add_schema(instance, ADMIN, COUNTERS_SCHEMA, "comptages.json")
    add_schema(instance, ADMIN, AID_SCHEMA, "aides.json")
    counters = tmp_path / "comptages.csv"
    counters.write_bytes(COUNTERS.encode("cp1252"))
    add_version(
        instance,
        ADMIN,
        counters,
        "comptages",
        organization="agglo",
        metadata=parse_metadata(
            title="Comptages vélos et voitures",
            description="Comptages **horaires** des capteurs.",
            access="public",
            themes=["TRAN"],
            keywords=["vélo", "mobilité"],
            licence="lov2",
        ),
        schema="comptages-horaires",
    )
    subsidies = tmp_path / "subventions.csv"
    subsidies.write_text(SUBSIDIES, encoding="utf-8-sig")
    add_version(
        instance,
        ADMIN,
        subsidies,
        "subventions",
        organization="agglo",
        metadata=parse_metadata(title="Subventions (brouillon)", themes=["ECON"]),
        schema="aides",
    )


@pytest.fixture
def client(instance: Instance, tmp_path: Path) -> Iterator[TestClient]:
    populate(instance, tmp_path)
    with TestClient(create_app(instance.settings, instance)) as test_client:
        yield test_client
