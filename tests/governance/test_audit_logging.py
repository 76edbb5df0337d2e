"""What the policy door logs, through the real read and write paths (core and ASGI app)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from socle.api.app import create_app
from socle.core import catalog, schemas, versions
from socle.core.metadata import parse_metadata
from socle.core.quality import quality_view
from socle.core.records import export_records, read_records
from socle.engine import RecordQuery
from socle.errors import NotFoundError
from socle.governance import audit
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance
from socle.storage.tables import AuditEntry
from tests.api.conftest import populate


@pytest.fixture
def populated(instance: Instance, tmp_path: Path) -> Instance:
    populate(instance, tmp_path)  # public "comptages", internal "subventions"
    return instance


@pytest.fixture
def client(populated: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(populated.settings, populated)) as test_client:
        yield test_client


def logged(instance: Instance, after: int = 0) -> list[AuditEntry]:
    with instance.db.session() as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.seq > after).order_by("seq"))
        )


def last_seq(instance: Instance) -> int:
    entries = logged(instance)
    return entries[-1].seq if entries else 0


def test_setting_up_the_catalog_logs_every_change(populated: Instance) -> None:
    actions = [(e.action, e.dataset_slug, e.version) for e in logged(populated)]
    assert actions == [
        ("write/organization", None, None),
        ("write/schema", None, None),
        ("write/schema", None, None),
        ("write/version", "comptages", 1),
        ("write/version", "subventions", 1),
    ]
    first = logged(populated)[0]
    assert (first.actor, first.actor_kind, first.result) == ("admin", "cli", "allowed")
    assert first.details == {"organization": "agglo"}


def test_an_internal_records_read_is_logged_with_its_query(populated: Instance) -> None:
    before = last_seq(populated)
    query = RecordQuery(where="montant > 2000", order_by="montant desc", limit=5)
    read_records(populated, ADMIN, "subventions", query)
    [entry] = logged(populated, before)
    assert entry.action == "read/records"
    assert (entry.actor, entry.actor_kind, entry.client_ip) == ("admin", "cli", None)
    assert (entry.dataset_slug, entry.version, entry.result) == ("subventions", 1, "allowed")
    assert entry.query == {"where": "montant > 2000", "order_by": "montant desc", "limit": 5}


def test_exports_versions_and_quality_of_internal_data_are_logged(populated: Instance) -> None:
    before = last_seq(populated)
    export_records(populated, ADMIN, "subventions", RecordQuery(limit=None), "csv")
    versions.list_versions(populated, ADMIN, "subventions")
    quality_view(populated, ADMIN, "subventions", 1)
    entries = logged(populated, before)
    assert [(e.action, e.version) for e in entries] == [
        ("read/export", 1),
        ("read/versions", None),
        ("read/quality", 1),
    ]
    assert entries[0].details == {"format": "csv"}


def test_an_anonymous_attempt_is_logged_as_denied_and_still_answers_404(
    client: TestClient, populated: Instance
) -> None:
    before = last_seq(populated)
    response = client.get("/api/v1/datasets/subventions/records?where=montant>0&limit=3")
    missing = client.get("/api/v1/datasets/nexiste-pas/records")
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == "Jeu de données « subventions » introuvable"
    [entry] = logged(populated, before)
    assert (entry.action, entry.result) == ("read/records", "denied")
    assert (entry.actor, entry.actor_kind) == ("anonymous", "anonymous")
    assert entry.client_ip == "testclient"  # the ASGI scope's client, carried to the door
    assert entry.query == {"where": "montant>0", "limit": 3}
    assert client.get("/api/v1/datasets/subventions/exports/csv").status_code == 404
    assert [e.action for e in logged(populated, entry.seq)] == ["read/export"]


def test_public_reads_are_not_logged(client: TestClient, populated: Instance) -> None:
    before = last_seq(populated)
    assert client.get("/api/v1/datasets/comptages/records").status_code == 200
    assert client.get("/api/v1/datasets/comptages/exports/csv").status_code == 200
    assert client.get("/api/v1/datasets/comptages/versions").status_code == 200
    assert client.get("/api/v1/datasets/comptages/quality").status_code == 200
    assert client.get("/jeux-de-donnees/comptages").status_code == 200
    read_records(populated, ADMIN, "comptages", RecordQuery())
    assert logged(populated, before) == []


def test_changes_are_logged_with_what_changed(populated: Instance) -> None:
    before = last_seq(populated)
    catalog.update_dataset(
        populated, ADMIN, "subventions", parse_metadata(access="public", title="Subventions")
    )
    catalog.rename_dataset(populated, ADMIN, "subventions", "aides-2024")
    schemas.pin_schema(populated, ADMIN, "aides-2024", None)
    versions.rollback(populated, ADMIN, "aides-2024", 1)
    entries = logged(populated, before)
    assert [(e.action, e.dataset_slug, e.version, e.details) for e in entries] == [
        (
            "write/metadata",
            "subventions",
            None,
            {"fields": ["access", "title"], "access": ["internal", "public"]},
        ),
        ("write/metadata", "subventions", None, {"renamed_to": "aides-2024"}),
        ("write/schema", "aides-2024", None, {"pinned": None}),
        (
            "write/rollback",
            "aides-2024",
            2,
            {"source": "subventions.csv", "rows": 2, "from_version": 1},
        ),
    ]
    assert len({e.dataset_id for e in entries}) == 1  # the stable id across the rename


def test_a_refused_change_is_logged_and_changes_nothing(populated: Instance) -> None:
    before = last_seq(populated)
    with pytest.raises(NotFoundError):
        catalog.update_dataset(populated, ANONYMOUS, "comptages", parse_metadata(title="x"))
    with pytest.raises(NotFoundError):
        versions.rollback(populated, ANONYMOUS, "subventions", 1)
    entries = logged(populated, before)
    assert [(e.action, e.dataset_slug, e.result) for e in entries] == [
        ("write/metadata", "comptages", "denied"),
        ("write/rollback", "subventions", "denied"),
    ]
    assert catalog.get_entry(populated, ADMIN, "comptages").dataset.title != "x"
    assert audit.verify(populated.db).ok
