"""The participation API: published reuses, requests and comments only, read through the
policy (a reuse citing an internal dataset does not reveal it), no contact e-mail ever."""

from __future__ import annotations

from fastapi.testclient import TestClient

from socle.core import participation
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance
from tests._images import image_bytes


def publish_reuse(instance: Instance, datasets: list[str]) -> str:
    reuse = participation.propose_reuse(
        instance,
        ADMIN,
        title="Tableau de bord vélo",
        url="https://velo.example/",
        description="Les comptages en graphiques.",
        datasets=datasets,
        image=image_bytes(),
        contact_email="secret@example.fr",
    )
    participation.approve(instance, ADMIN, reuse.id)
    return reuse.id


def publish_contributions(
    instance: Instance, cited: tuple[str, str] | list[str] = ("comptages", "subventions")
) -> dict[str, str]:
    """A published reuse and an answered request citing a public and an internal dataset
    (``cited``); their identifiers by the path parameter names of their pages."""
    request = participation.create_request(
        instance, ANONYMOUS, title="Aides", description="Les aides versées.", organization="agglo"
    )
    participation.answer_request(instance, ADMIN, request.id, "Voilà.", dataset=cited[1])
    return {"reuse_id": publish_reuse(instance, list(cited)), "request_id": request.id}


def test_reuses_are_listed_once_approved(client: TestClient, instance: Instance) -> None:
    pending = participation.propose_reuse(
        instance,
        ANONYMOUS,
        title="En attente",
        url="https://attente.example/",
        description="Pas encore modérée.",
        datasets=["comptages"],
        image=image_bytes(),
    )
    reuse_id = publish_reuse(instance, ["comptages", "subventions"])
    body = client.get("/api/v1/reuses").json()
    assert body["total_count"] == 1
    (reuse,) = body["results"]
    assert reuse["id"] == reuse_id and reuse["url"] == "https://velo.example/"
    assert [d["slug"] for d in reuse["datasets"]] == ["comptages"]
    assert reuse["image"].endswith(f"/reutilisations/{reuse_id}/image")
    text = client.get("/api/v1/reuses").text + client.get(f"/api/v1/reuses/{reuse_id}").text
    assert "subventions" not in text and "Subventions" not in text and "secret@" not in text
    assert client.get(f"/api/v1/reuses/{pending.id}").status_code == 404
    assert client.get("/api/v1/datasets/comptages/reuses").json()["total_count"] == 1
    assert client.get("/api/v1/datasets/subventions/reuses").status_code == 404
    assert client.get("/api/v1/reuses?page_size=1000").status_code == 400


def test_requests_show_their_status_and_visible_answers(
    client: TestClient, instance: Instance
) -> None:
    hidden_answer = participation.create_request(
        instance, ANONYMOUS, title="Aides", description="Les aides versées.", organization="agglo"
    )
    participation.answer_request(
        instance, ADMIN, hidden_answer.id, "Bientôt ouvert.", dataset="subventions"
    )
    participation.create_request(instance, ANONYMOUS, title="En attente", description="…")
    body = client.get("/api/v1/requests").json()
    assert body["total_count"] == 1
    (request,) = body["results"]
    assert request["status"] == "answered" and request["status_label"] == "répondue"
    assert request["answer"] == "Bientôt ouvert." and request["answer_dataset"] is None
    assert request["organization"] == {"slug": "agglo", "name": "Agglomération du Val"}
    assert client.get("/api/v1/requests?status=closed").json()["total_count"] == 0
    assert client.get("/api/v1/requests?status=pending").status_code == 400
    assert client.get(f"/api/v1/requests/{request['id']}").json()["title"] == "Aides"


def test_comments_of_a_dataset(client: TestClient, instance: Instance) -> None:
    comment = participation.post_comment(
        instance, ANONYMOUS, "comptages", body="Données <b>utiles</b>", contact_email="a@b.fr"
    )
    assert client.get("/api/v1/datasets/comptages/comments").json()["total_count"] == 0
    participation.approve(instance, ADMIN, comment.id)
    body = client.get("/api/v1/datasets/comptages/comments").json()
    assert body["results"][0]["body"] == "Données <b>utiles</b>"
    assert body["results"][0]["author_kind"] == "public"
    assert "a@b.fr" not in client.get("/api/v1/datasets/comptages/comments").text
    assert client.get("/api/v1/datasets/subventions/comments").status_code == 404
