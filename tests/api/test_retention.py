"""Retention over HTTP: setting a rule, the 410 of a purged version, the DPO's outlook."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from fastapi.testclient import TestClient

from socle.api.app import create_app
from socle.config import Settings
from socle.core.memberships import set_membership
from socle.core.organizations import create_organization
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.governance.retention import purge
from socle.instance import Instance
from tests.governance.test_retention import generated

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_rule_purge_and_outlook(instance: Instance, tmp_path: Path) -> None:
    create_organization(instance, "agglo", "Agglo")
    source = generated(tmp_path / "visites.csv", 1200)
    add_version(instance, ADMIN, source, "visites", organization="agglo")
    dpo = create_user(instance, "dpo@agglo.fr", "une phrase de passe solide")
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    admin = create_user(instance, "chef@agglo.fr", "une phrase de passe solide", superadmin=True)
    as_dpo = {"Authorization": f"Bearer {create_token(instance, dpo.id, 'dpo', 'read')[1]}"}
    as_admin = {"Authorization": f"Bearer {create_token(instance, admin.id, 'a', 'write')[1]}"}
    with TestClient(create_app(instance.settings, instance)) as client:
        url = "/api/v1/datasets/visites/retention"
        bad = client.put(url, json={"period": "PT1H"}, headers=as_admin)
        assert bad.status_code == 400
        assert bad.headers["content-type"] == "application/problem+json"
        assert "heures" in bad.json()["detail"]
        wrong = client.put(url, json={"period": "P1Y", "date_column": "montant"}, headers=as_admin)
        assert wrong.status_code == 400 and "BIGINT" in wrong.json()["detail"]
        rule = {"period": "P1Y6M", "date_column": "jour"}
        assert client.put(url, json=rule, headers=as_admin).json()["retention"] == rule
        assert client.get("/api/v1/datasets/visites", headers=as_admin).json()["retention"] == rule

        outlook = client.get("/api/v1/organizations/agglo/retention?days=10", headers=as_dpo)
        assert outlook.status_code == 200
        [item] = outlook.json()["results"]
        assert item["dataset"] == "visites" and item["period"] == "P1Y6M"
        assert item["rows_expired"] > 0 and item["rows_expiring"] >= item["rows_expired"]
        page = client.get("/organisations/agglo/conservation?jours=10", headers=as_dpo)
        assert page.status_code == 200
        assert "Conservation des données" in page.text and "P1Y6M" in page.text
        assert '<a href="/jeux-de-donnees/visites">' in page.text
        english = client.get(
            "/organisations/agglo/conservation", headers={**as_dpo, "Accept-Language": "en"}
        )
        assert "Data retention" in english.text
        assert client.get("/organisations/agglo/conservation").status_code == 404

        [done] = purge.run(instance, ADMIN, at=AT)
        assert done.versions_purged == (1,)
        gone = client.get("/api/v1/datasets/visites/versions/1", headers=as_admin)
        assert gone.status_code == 410
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["type"].endswith("/gone") and "supprimée" in gone.json()["detail"]
        records = client.get("/api/v1/datasets/visites/records?version=1", headers=as_admin)
        assert records.status_code == 410
        listed = client.get("/api/v1/datasets/visites/versions", headers=as_admin).json()
        assert [v["purged_at"] is not None for v in listed["results"]] == [False, True]
        latest = client.get("/api/v1/datasets/visites/records?limit=0", headers=as_admin).json()
        assert latest["version"] == 2 and latest["total_count"] == 1200 - done.rows_removed

        portal = client.get("/jeux-de-donnees/visites", headers=as_admin).text
        assert "Durée de conservation" in portal and "supprimée le" in portal
        assert "lignes échues retirées de la version 1" in portal
        purged_quality = client.get("/jeux-de-donnees/visites/qualite?version=1", headers=as_admin)
        assert purged_quality.status_code == 410

        assert client.delete(url, headers=as_admin).json()["retention"] is None
        empty = client.get("/api/v1/organizations/agglo/retention", headers=as_dpo).json()
        assert empty["results"] == []


def test_the_served_instance_runs_retention_daily_when_asked(tmp_path: Path) -> None:
    off = Settings(home=tmp_path / "off")
    with TestClient(create_app(off)) as client:
        assert client.app.state.retention is None  # type: ignore[attr-defined]
    on = Settings(home=tmp_path / "on", retention_daily_at="03:30")
    with TestClient(create_app(on)) as client:
        daily = client.app.state.retention  # type: ignore[attr-defined]
        assert daily.running and daily.at == time(3, 30)
    assert not daily.running
