"""``/api/v1/audit``: hidden from anyone who may not read it; filters, pages, a safe CSV."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from socle.api.deps import get_principal
from socle.core.catalog import update_dataset
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.governance import audit
from socle.governance.policy import ADMIN, Principal
from socle.instance import Instance
from tests.api.test_notifications import PEOPLE
from tests.api.test_tokens import PASSWORD, bearer, token_for


def as_admin(client: TestClient) -> TestClient:
    # Over HTTP every caller is anonymous until accounts exist; the accounts slice will
    # give the DPO and administrators a real identity here.
    client.app.dependency_overrides[get_principal] = lambda: ADMIN  # type: ignore[attr-defined]
    return client


def test_the_log_does_not_exist_for_anonymous_callers(client: TestClient) -> None:
    unknown = client.get("/api/v1/nexiste-pas")
    for path in ("/api/v1/audit", "/api/v1/audit.csv", "/api/v1/audit?result=denied"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["detail"] == unknown.json()["detail"]


def test_entries_filtered_and_paged(client: TestClient) -> None:
    client.get("/api/v1/datasets/subventions/records")  # anonymous: refused, logged
    admin = as_admin(client)
    assert admin.get("/api/v1/datasets/subventions/records").status_code == 200
    everything = admin.get("/api/v1/audit").json()
    assert everything["total_count"] == 7  # 5 changes while populating, 2 reads
    newest = everything["results"][0]
    assert (newest["actor"], newest["action"], newest["dataset"]) == (
        "admin",
        "read/records",
        "subventions",
    )
    assert newest["client_ip"] == "testclient" and newest["at"].endswith("Z")
    denied = admin.get("/api/v1/audit?result=denied").json()
    assert [e["actor"] for e in denied["results"]] == ["anonymous"]
    by_dataset = admin.get("/api/v1/audit?dataset=subventions&page_size=2&page=2").json()
    assert by_dataset["total_count"] == 3 and len(by_dataset["results"]) == 1
    assert by_dataset["results"][0]["action"] == "write/version"
    assert admin.get("/api/v1/audit?since=2000-01-01&until=2000-12-31").json()["results"] == []
    bad = admin.get("/api/v1/audit?since=hier")
    assert bad.status_code == 400 and "hier" in bad.json()["detail"]


def test_the_csv_opens_in_excel_and_runs_no_formula(client: TestClient, instance: Instance) -> None:
    with instance.db.session() as session:
        audit.log(session, Principal('=HYPERLINK("http://x.example","clic")'), "write/schema")
        audit.log(session, Principal("@SUM(A1)"), "write/schema", details={"n": 1})
    response = as_admin(client).get("/api/v1/audit.csv?action=write/schema")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["n°", "date (UTC)", "qui"]
    actors = [row[2] for row in rows[1:]]
    assert actors == ["'@SUM(A1)", '\'=HYPERLINK("http://x.example","clic")', "admin", "admin"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_an_organizations_dpo_and_admins_read_their_part(
    client: TestClient, instance: Instance
) -> None:
    """The DPO reads every entry about the organization's datasets; an administrator those
    about the datasets they may read (not restricted ones); nobody else reads any of it;
    platform entries (about no dataset) stay the superadmins'."""
    create_organization(instance, "voisine", "Commune voisine")
    other = instance.settings.home / "voisine.csv"
    other.write_text("a;b\n1;2\n", encoding="utf-8")
    add_version(instance, ADMIN, other, "voisinage", organization="voisine")
    update_dataset(instance, ADMIN, "subventions", parse_metadata(access="restricted"))
    for email, (org, role) in {**PEOPLE, "dpo@agglo.fr": ("agglo", "dpo")}.items():
        create_user(instance, email, PASSWORD)
        set_membership(instance, org, email, role)

    def datasets(email: str, path: str = "/api/v1/audit?page_size=500") -> set[str | None]:
        response = client.get(path, headers=bearer(token_for(instance, email)))
        assert response.status_code == 200, (email, response.text)
        return {e["dataset"] for e in response.json()["results"]}

    assert datasets("dpo@agglo.fr") == {"comptages", "subventions"}
    assert datasets("admin@agglo.fr") == {"comptages"}
    assert datasets("admin@voisine.fr") == {"voisinage"}
    for email in ("agent@agglo.fr", "cdo@agglo.fr", "referent@agglo.fr"):
        refused = client.get("/api/v1/audit", headers=bearer(token_for(instance, email)))
        assert refused.status_code == 404, email
    # The CSV holds the same part as the page.
    dpo_csv = client.get("/api/v1/audit.csv", headers=bearer(token_for(instance, "dpo@agglo.fr")))
    rows = list(csv.reader(io.StringIO(dpo_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert {r[6] for r in rows[1:]} == {"comptages", "subventions"}
    # The instance administrator reads all of it, platform entries included.
    everything = as_admin(client).get("/api/v1/audit?page_size=500").json()["results"]
    assert {None, "voisinage", "subventions"} <= {e["dataset"] for e in everything}


def test_the_portal_page_shows_the_same_part(client: TestClient, instance: Instance) -> None:
    from tests.portal._html import check_page

    create_user(instance, "dpo@agglo.fr", PASSWORD)
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    dpo = bearer(token_for(instance, "dpo@agglo.fr"))
    client.get("/api/v1/datasets/subventions/records", headers=dpo)
    page = client.get("/journal?dataset=subventions&result=allowed", headers=dpo)
    assert page.status_code == 200 and check_page(page.text, "fr") == []
    assert "dpo@agglo.fr" in page.text and "read/records" in page.text
    assert 'href="/journal.csv?dataset=subventions&amp;result=allowed"' in page.text
    english = client.get("/journal?lang=en", headers=dpo).text
    assert "Audit log" in english and "Download as CSV" in english
    exported = client.get("/journal.csv?dataset=subventions&result=allowed", headers=dpo)
    assert exported.status_code == 200 and "dpo@agglo.fr" in exported.text
    assert client.get("/journal").status_code == 404
    assert client.get("/journal?since=hier", headers=dpo).status_code == 400
