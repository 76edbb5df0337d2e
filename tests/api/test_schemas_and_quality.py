"""``/api/v1/schemas`` and ``/api/v1/datasets/{slug}/quality`` through the ASGI app."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_registry_lists_versions_and_shows_one_with_its_public_datasets(
    client: TestClient,
) -> None:
    listed = client.get("/api/v1/schemas").json()
    assert [s["id"] for s in listed["results"]] == ["aides@2", "comptages-horaires@1.0.0"]
    shown = client.get("/api/v1/schemas/comptages-horaires").json()
    assert shown["version"] == "1.0.0"
    assert shown["descriptor"]["fields"][0]["name"] == "identifiant"
    assert [d["slug"] for d in shown["datasets"]] == ["comptages"]
    assert client.get("/api/v1/schemas/aides").json()["datasets"] == []  # internal only


def test_unknown_and_malformed_references_are_problems(client: TestClient) -> None:
    missing = client.get("/api/v1/schemas/inconnu@1")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    malformed = client.get("/api/v1/schemas/Pas%20Valide")
    assert malformed.status_code == 400
    assert "invalide" in malformed.json()["detail"] + malformed.json().get("title", "")


def test_a_dataset_declares_its_schema_and_shows_its_score(client: TestClient) -> None:
    dataset = client.get("/api/v1/datasets/comptages").json()
    assert dataset["conforms_to"].endswith("/api/v1/schemas/comptages-horaires@1.0.0")
    assert dataset["conforms_to_schema"]["id"] == "comptages-horaires@1.0.0"
    assert 0 <= dataset["quality"]["score"] <= 100
    assert dataset["quality"]["valid"] is False  # "=1+1" is not an integer
    listed = client.get("/api/v1/datasets").json()["results"]
    assert listed[0]["quality"]["score"] == dataset["quality"]["score"]


def test_quality_gives_report_profile_score_and_history(client: TestClient) -> None:
    body = client.get("/api/v1/datasets/comptages/quality").json()
    assert body["version"] == 1
    assert body["schema"]["name"] == "comptages-horaires"
    errors = body["report"]["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e["fieldName"], e["cell"]) for e in errors] == [
        ("type-error", 5, "comptage", "=1+1")
    ]
    assert {f["name"] for f in body["profile"]["fields"]} >= {"identifiant", "code_insee"}
    assert set(body["score"]["parts"]) == {
        "validity",
        "completeness",
        "uniqueness",
        "freshness",
        "metadata",
    }
    assert [h["version"] for h in body["history"]] == [1]
    assert client.get("/api/v1/datasets/comptages/quality?version=2").status_code == 404


def test_search_filters_on_the_quality_band(client: TestClient) -> None:
    body = client.get("/api/v1/datasets").json()
    score = body["results"][0]["quality"]["score"]
    band = "bon" if score >= 80 else "moyen" if score >= 50 else "faible"
    assert {f["value"]: f["count"] for f in body["facets"]["quality"]} == {band: 1}
    kept = client.get(f"/api/v1/datasets?quality={band}").json()
    assert [d["slug"] for d in kept["results"]] == ["comptages"]
    other = "faible" if band != "faible" else "bon"
    assert client.get(f"/api/v1/datasets?quality={other}").json()["total_count"] == 0
    assert client.get("/api/v1/datasets?quality=parfait").status_code == 400
