"""The algorithm register's core: fields checked, drafts kept by their organization's keepers,
publication only when complete, numbered revisions, every change and draft read audited,
cited datasets shown through the policy."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from socle.core.memberships import set_membership
from socle.core.organizations import create_organization
from socle.core.principals import principal_for
from socle.core.users import create_user, get_user_by_id
from socle.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from socle.governance import algorithms
from socle.governance.algorithms.fields import parse_content
from socle.governance.audit import verify
from socle.governance.policy import ADMIN, ANONYMOUS, Principal
from socle.instance import Instance
from socle.storage.tables import AuditEntry
from tests.api.conftest import populate

PASSWORD = "une phrase de passe solide"
# Everything publication requires, as a keeper would fill it in.
COMPLETE: dict[str, Any] = {
    "department": "Direction de l'éducation",
    "contact": "education@agglo.fr",
    "name": "Tarif de la cantine",
    "decision": "Tarif journalier facturé à chaque famille",
    "purpose": "Calculer un tarif proportionné aux revenus",
    "decision_role": "Calculé à l'inscription, appliqué à chaque facture",
    "automation": "full",
    "legal_basis": "Délibération n° 2024-12",
    "decisions_per_year": "4 200",
    "public_concerned": "Familles des enfants inscrits",
    "data_processed": "Revenu fiscal de référence, nombre de parts",
    "data_sources": "Avis d'imposition fourni par la famille",
    "kind": "rules",
    "operations": "Quotient = revenu / 12 / parts, puis barème",
    "parameters": [{"name": "Quotient familial", "weight": "100 %", "description": "=1+1"}],
}


def person(instance: Instance, email: str, org: str, role: str) -> Principal:
    user = create_user(instance, email, PASSWORD)
    set_membership(instance, org, email, role)
    loaded = get_user_by_id(instance, user.id)
    assert loaded is not None
    return principal_for(instance, loaded)


@pytest.fixture
def world(instance: Instance, tmp_path: Path) -> dict[str, Principal]:
    """agglo owns « comptages » (public) and « subventions » (internal); voisine is another."""
    populate(instance, tmp_path)
    create_organization(instance, "voisine", "Commune voisine")
    return {
        "keeper": person(instance, "cdo@agglo.fr", "agglo", "data_officer"),
        "steward": person(instance, "ref@agglo.fr", "agglo", "steward"),
        "agent": person(instance, "agent@agglo.fr", "agglo", "agent"),
        "other": person(instance, "dpo@voisine.fr", "voisine", "dpo"),
    }


def add(instance: Instance, principal: Principal = ADMIN, **extra: Any) -> None:
    algorithms.add_algorithm(
        instance,
        principal,
        "tarif-cantine",
        organization="agglo",
        content={**COMPLETE, **extra},
        datasets=["comptages", "subventions"],
    )


def audit_actions(instance: Instance) -> list[tuple[str, str, Any]]:
    with instance.db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        return [(e.action, e.result, e.details) for e in entries if "algorithm" in e.action]


def test_a_draft_exists_only_for_its_keepers(instance: Instance, world: dict[str, Any]) -> None:
    add(instance, world["steward"])
    for who in ("keeper", "steward"):
        assert algorithms.get_algorithm(instance, world[who], "tarif-cantine").keeper
        assert len(algorithms.list_algorithms(instance, world[who])) == 1
    for principal in (ANONYMOUS, world["agent"], world["other"]):
        with pytest.raises(NotFoundError):
            algorithms.get_algorithm(instance, principal, "tarif-cantine")
        assert algorithms.list_algorithms(instance, principal) == []
        with pytest.raises(NotFoundError):  # a hidden draft cannot be changed either
            algorithms.update_algorithm(instance, principal, "tarif-cantine", content={})
    reads = [(a, r) for a, r, _ in audit_actions(instance) if a == "read/algorithm-draft"]
    assert reads.count(("read/algorithm-draft", "allowed")) == 2
    assert reads.count(("read/algorithm-draft", "denied")) == 3


def test_only_keepers_write_and_their_refusals_are_logged(
    instance: Instance, world: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenError):
        add(instance, world["agent"])
    with pytest.raises(ForbiddenError):
        add(instance, world["other"])
    add(instance, world["keeper"])
    algorithms.set_published(instance, world["keeper"], "tarif-cantine", True)
    with pytest.raises(ForbiddenError):  # published: everyone sees it, keepers alone edit it
        algorithms.update_algorithm(instance, world["agent"], "tarif-cantine", content={})
    denied = [d for a, r, d in audit_actions(instance) if r == "denied"]
    assert len(denied) == 3 and all(d["algorithm"] == "tarif-cantine" for d in denied)
    assert verify(instance.db).ok


def test_publication_requires_a_complete_entry(instance: Instance, world: dict[str, Any]) -> None:
    algorithms.add_algorithm(
        instance, ADMIN, "creches", organization="agglo", content={"name": "Places en crèche"}
    )
    with pytest.raises(InputError, match="Fondements juridiques") as refused:
        algorithms.set_published(instance, ADMIN, "creches", True)
    assert "Nom de l'algorithme" not in refused.value.message
    with pytest.raises(InputError, match="valeurs possibles : full, aid"):
        algorithms.update_algorithm(instance, ADMIN, "creches", content={"automation": "semi"})
    content = {k: v for k, v in COMPLETE.items() if k != "name"}
    algorithms.update_algorithm(instance, ADMIN, "creches", content=content)
    published = algorithms.set_published(instance, ADMIN, "creches", True)
    assert published.status == "published" and published.published_at is not None
    with pytest.raises(ConflictError):
        algorithms.set_published(instance, ADMIN, "creches", True)
    with pytest.raises(InputError, match="ne peuvent pas être vidés — Fondements juridiques"):
        algorithms.update_algorithm(instance, ADMIN, "creches", content={"legal_basis": " "})
    assert algorithms.get_algorithm(instance, ANONYMOUS, "creches").algorithm.name


def test_every_change_is_a_numbered_revision_and_an_audit_entry(
    instance: Instance, world: dict[str, Any]
) -> None:
    add(instance, world["keeper"])
    algorithms.set_published(instance, world["keeper"], "tarif-cantine", True)
    algorithms.update_algorithm(
        instance, world["steward"], "tarif-cantine", content={"automation": "aid"}, datasets=[]
    )
    with pytest.raises(InputError, match="Rien à modifier"):
        algorithms.update_algorithm(
            instance, world["steward"], "tarif-cantine", content={"automation": "aid"}
        )
    algorithms.set_published(instance, ADMIN, "tarif-cantine", False)
    entry = algorithms.get_algorithm(instance, world["keeper"], "tarif-cantine")
    revisions = entry.algorithm.revisions
    assert [r.number for r in revisions] == [1, 2, 3, 4] and entry.algorithm.revision == 4
    assert [r.event for r in revisions] == ["created", "published", "edited", "withdrawn"]
    assert [r.author for r in revisions] == [
        "cdo@agglo.fr",
        "cdo@agglo.fr",
        "ref@agglo.fr",
        "admin",
    ]
    assert revisions[2].changes == ["automation", "datasets"]
    # Each revision keeps the whole entry as it then stood.
    assert (
        revisions[1].content["automation"] == "full" and len(revisions[1].content["datasets"]) == 2
    )
    assert revisions[2].content["automation"] == "aid" and revisions[2].content["datasets"] == []
    assert revisions[3].content["status"] == "draft"
    writes = [
        (r, d["revision"], d["event"])
        for a, r, d in audit_actions(instance)
        if a.startswith("write/")
    ]
    assert writes == [
        ("allowed", 1, "created"),
        ("allowed", 2, "published"),
        ("allowed", 3, "edited"),
        ("allowed", 4, "withdrawn"),
    ]
    history = algorithms.revisions_view(entry)
    assert [h["number"] for h in history] == [4, 3, 2, 1] and history[1]["author"] == "ref@agglo.fr"


def test_readers_see_only_the_cited_datasets_they_may_read(
    instance: Instance, world: dict[str, Any]
) -> None:
    add(instance)
    algorithms.set_published(instance, ADMIN, "tarif-cantine", True)
    public = algorithms.algorithm_view(
        algorithms.get_algorithm(instance, ANONYMOUS, "tarif-cantine"), ""
    )
    assert [d["slug"] for d in public["datasets"]] == ["comptages"]
    inside = algorithms.get_algorithm(instance, world["agent"], "tarif-cantine")
    assert sorted(d.slug for d in inside.datasets) == ["comptages", "subventions"]
    # The public history names no author (an agent) and no dataset.
    history = algorithms.revisions_view(
        algorithms.get_algorithm(instance, ANONYMOUS, "tarif-cantine")
    )
    assert all("author" not in h for h in history)
    assert "subventions" not in str(history)


def test_a_keeper_cites_only_datasets_they_may_read(
    instance: Instance, world: dict[str, Any]
) -> None:
    other = world["other"]
    algorithms.add_algorithm(
        instance, other, "stationnement", organization="voisine", content={"name": "Stationnement"}
    )
    with pytest.raises(NotFoundError, match="subventions"):
        algorithms.update_algorithm(
            instance, other, "stationnement", content={}, datasets=["subventions"]
        )
    with pytest.raises(NotFoundError, match="inexistant"):
        algorithms.update_algorithm(
            instance, other, "stationnement", content={}, datasets=["inexistant"]
        )
    algorithms.update_algorithm(
        instance, other, "stationnement", content={}, datasets=["comptages"]
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"automation": "semi"}, "valeurs possibles : full, aid"),
        ({"kind": "ia"}, "rules, machine_learning"),
        ({"decisions_per_year": "-3"}, "nombre entier positif"),
        ({"decisions_per_year": True}, "nombre entier"),
        ({"source_code_url": "javascript:alert(1)"}, "adresse http(s)"),
        ({"contact": "a\nb"}, "une seule ligne"),
        ({"name": "  "}, "ne peut pas être vide"),
        ({"parameters": [{"weight": "2"}]}, "a un nom"),
        ({"parameters": "poids"}, "liste"),
        ({"couleur": "bleu"}, "Champ(s) inconnu(s) : couleur"),
        ({"purpose": "x" * 10_001}, "10000 caractères au plus"),
    ],
)
def test_bad_values_are_refused_clearly(content: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_content(content)
    assert message in refused.value.message


def test_slugs_and_organizations_are_checked(instance: Instance, world: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        algorithms.add_algorithm(
            instance, ADMIN, "Tarif Cantine", organization="agglo", content={"name": "x"}
        )
    with pytest.raises(NotFoundError, match="Organisation"):
        algorithms.add_algorithm(
            instance, ADMIN, "tarif", organization="inconnue", content={"name": "x"}
        )
    with pytest.raises(InputError, match="nom"):
        algorithms.add_algorithm(instance, ADMIN, "tarif", organization="agglo", content={})
    add(instance)
    with pytest.raises(ConflictError):
        add(instance)


def test_the_csv_export_is_one_safe_row_per_entry(
    instance: Instance, world: dict[str, Any]
) -> None:
    add(instance, context='=HYPERLINK("http://x")')
    algorithms.set_published(instance, ADMIN, "tarif-cantine", True)
    entries = algorithms.list_algorithms(instance, ANONYMOUS, status="published")
    body = b"".join(
        algorithms.csv_chunks(algorithms.algorithm_view(e, "https://d.fr") for e in entries)
    )
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert len(rows) == 2 and len(header) == len(row)
    cells = dict(zip(header, row, strict=True))
    assert cells["Administration"] == "Agglomération du Val"
    assert cells["Niveau d'automatisation"] == "Décision entièrement automatisée"
    assert cells["Nombre de décisions par an"] == "4200"
    assert cells["Contexte"].startswith("'=")  # never run as a formula
    assert cells["Paramètres et pondération"] == "Quotient familial : 100 % (=1+1)"
    assert cells["Jeux de données traités"] == (
        "Comptages vélos et voitures (https://d.fr/jeux-de-donnees/comptages)"
    )


def test_the_register_works_on_each_backend(any_instance: Instance, tmp_path: Path) -> None:
    """Revisions' JSON snapshots and the drafts' SQL filter, on SQLite and PostgreSQL."""
    populate(any_instance, tmp_path)
    keeper = person(any_instance, "dpo@agglo.fr", "agglo", "dpo")
    add(any_instance, keeper)
    algorithms.add_algorithm(any_instance, ADMIN, "publiee", organization="agglo", content=COMPLETE)
    algorithms.set_published(any_instance, ADMIN, "publiee", True)
    algorithms.update_algorithm(
        any_instance, keeper, "tarif-cantine", content={"parameters": [{"name": "Âge — œuvre"}]}
    )
    assert [e.algorithm.slug for e in algorithms.list_algorithms(any_instance, keeper)] == [
        "publiee",
        "tarif-cantine",
    ]
    assert [e.algorithm.slug for e in algorithms.list_algorithms(any_instance, ANONYMOUS)] == [
        "publiee"
    ]
    entry = algorithms.get_algorithm(any_instance, keeper, "tarif-cantine")
    first, second = entry.algorithm.revisions
    assert first.content["parameters"][0]["name"] == "Quotient familial"
    assert second.content["parameters"] == [
        {"name": "Âge — œuvre", "weight": "", "description": ""}
    ]
    assert second.changes == ["parameters"] and len(second.content["datasets"]) == 2
