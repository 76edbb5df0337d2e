"""``/api/v1/audit``: hidden from anyone who may not read it; filters, pages, a safe CSV."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from socle.api.deps import get_principal
from socle.governance import audit
from socle.governance.policy import ADMIN, Principal
from socle.instance import Instance


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
