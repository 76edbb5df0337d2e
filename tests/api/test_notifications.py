"""Notifications reach their recipients: a dataset's steward, its organization's
administrators and data officers — never anyone else, never about a dataset they cannot read."""

from __future__ import annotations

from fastapi.testclient import TestClient

from socle.core import participation
from socle.core.catalog import set_steward, update_dataset
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.users import create_user
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance
from tests.api.test_tokens import PASSWORD, bearer, token_for
from tests.portal.test_accounts import csrf_of
from tests.portal.test_accounts import sign_in as portal_sign_in

PEOPLE = {
    "referent@agglo.fr": ("agglo", "agent"),  # steward of « subventions »
    "admin@agglo.fr": ("agglo", "admin"),
    "cdo@agglo.fr": ("agglo", "data_officer"),
    "agent@agglo.fr": ("agglo", "agent"),
    "admin@voisine.fr": ("voisine", "admin"),
}


def people(instance: Instance) -> dict[str, str]:
    """Every person above with a read token; the contributions they may hear about."""
    create_organization(instance, "voisine", "Commune voisine")
    for email, (org, role) in PEOPLE.items():
        create_user(instance, email, PASSWORD)
        set_membership(instance, org, email, role)
    set_steward(instance, ADMIN, "subventions", "referent@agglo.fr")
    participation.post_comment(instance, ANONYMOUS, "comptages", body="Il manque mars.")
    participation.post_comment(instance, ADMIN, "subventions", body="Montants en euros ?")
    participation.create_request(
        instance,
        ANONYMOUS,
        title="Bancs publics",
        description="Où sont-ils ?",
        organization="agglo",
    )
    return {email: token_for(instance, email) for email in PEOPLE}


def inbox(client: TestClient, token: str, **params: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/me/notifications", headers=bearer(token), params=params)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_each_recipient_gets_their_own(client: TestClient, instance: Instance) -> None:
    tokens = people(instance)
    datasets = {e: sorted(str(n["dataset"]) for n in inbox(client, t)) for e, t in tokens.items()}
    assert datasets["referent@agglo.fr"] == ["subventions"]
    assert datasets["admin@agglo.fr"] == ["None", "comptages", "subventions"]
    assert datasets["cdo@agglo.fr"] == datasets["admin@agglo.fr"]
    assert datasets["agent@agglo.fr"] == [] and datasets["admin@voisine.fr"] == []
    (request,) = [n for n in inbox(client, tokens["admin@agglo.fr"]) if n["dataset"] is None]
    assert request["event"] == "request_created" and request["organization"] == "agglo"
    assert request["read"] is False and "Bancs" in str(request["message"])
    assert client.get("/api/v1/me/notifications").status_code == 401
    too_few = client.get("/api/v1/me/notifications?limit=0", headers=bearer(tokens["cdo@agglo.fr"]))
    assert too_few.status_code == 400


def test_never_about_a_dataset_the_recipient_cannot_read(
    client: TestClient, instance: Instance
) -> None:
    tokens = people(instance)
    update_dataset(instance, ADMIN, "subventions", parse_metadata(access="restricted"))
    admin = [n["dataset"] for n in inbox(client, tokens["admin@agglo.fr"])]
    assert "subventions" not in admin and "comptages" in admin
    # The steward still reads their dataset, so still hears about it.
    assert [n["dataset"] for n in inbox(client, tokens["referent@agglo.fr"])] == ["subventions"]


def test_marking_read_in_the_portal(client: TestClient, instance: Instance) -> None:
    tokens = people(instance)
    portal = TestClient(client.app, base_url="https://testserver")
    assert portal_sign_in(portal, "referent@agglo.fr", PASSWORD).status_code == 303
    page = portal.get("/mon-compte")
    assert "Montants en euros ?" in page.text and "Non lue" in page.text
    (notification,) = inbox(client, tokens["referent@agglo.fr"])
    path = f"/mon-compte/notifications/{notification['id']}/lue"
    refused = portal.post(path, data={"csrf_token": "faux"}, follow_redirects=False)
    assert refused.status_code == 403
    done = portal.post(path, data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    assert "Non lue" not in portal.get("/mon-compte").text
    assert inbox(client, tokens["referent@agglo.fr"], unread="true") == []
    # Read by the steward, it is read for the organization's administrators too.
    admin = inbox(client, tokens["admin@agglo.fr"])
    assert [n["read"] for n in admin if n["id"] == notification["id"]] == [True]
    # Someone else's notification cannot be marked: it does not exist for them.
    (other,) = [n for n in admin if n["dataset"] == "comptages"]
    csrf = csrf_of(portal.get("/mon-compte").text)
    missing = portal.post(f"/mon-compte/notifications/{other['id']}/lue", data={"csrf_token": csrf})
    assert missing.status_code == 404
    still = [n for n in inbox(client, tokens["admin@agglo.fr"]) if n["id"] == other["id"]]
    assert [n["read"] for n in still] == [False]
