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
from socle.governance.register import (
    create_activity,
    find_activity,
    get_register,
    parse_fields,
    parse_settings,
    update_register,
)
from socle.governance.register.export import activity_sheet, sheets
from socle.governance.register.views import activity_view, register_view
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


# algoregister: entries cite processing activities of their organization's RGPD register ------


def processing_world(instance: Instance) -> None:
    """agglo's register (unpublished) holds « inscriptions-cantine »; voisine's « etat-civil »."""
    fields = parse_fields({"name": "Inscriptions à la cantine", "reference": "T-12"})
    create_activity(instance, ADMIN, "agglo", "inscriptions-cantine", fields)
    create_activity(instance, ADMIN, "voisine", "etat-civil", parse_fields({"name": "État civil"}))


def cite(instance: Instance, principal: Principal, slug: str, *processings: str) -> None:
    algorithms.add_algorithm(
        instance,
        principal,
        slug,
        organization="agglo",
        content={**COMPLETE, "name": f"Algorithme {slug}"},
        processings=processings,
    )


def shown(instance: Instance, principal: Principal, slug: str) -> list[str]:
    return [p.slug for p in algorithms.get_algorithm(instance, principal, slug).processings]


def test_an_entry_cites_activities_of_its_own_register_that_its_editor_sees(
    instance: Instance, world: dict[str, Any]
) -> None:
    processing_world(instance)
    cite(instance, world["keeper"], "tarif-cantine", "inscriptions-cantine")
    entry = algorithms.get_algorithm(instance, ADMIN, "tarif-cantine")
    (activity,) = entry.processings
    assert entry.algorithm.revisions[0].content["processings"] == [activity.id]
    assert "processings" in entry.algorithm.revisions[0].changes
    # A steward keeps the algorithm register but not the RGPD one: its entries are hidden.
    with pytest.raises(NotFoundError, match="inscriptions-cantine"):
        cite(instance, world["steward"], "autre", "inscriptions-cantine")
    with pytest.raises(NotFoundError, match="etat-civil"):  # another unpublished register
        cite(instance, world["keeper"], "autre", "etat-civil")
    with pytest.raises(NotFoundError, match="inconnu"):
        cite(instance, world["keeper"], "autre", "inconnu")
    update_register(instance, ADMIN, "voisine", parse_settings({"published": True}))
    with pytest.raises(InputError, match="autre organisation"):  # seen, but not agglo's
        cite(instance, world["keeper"], "autre", "etat-civil")
    with pytest.raises(InputError, match="50 au plus"):
        cite(instance, world["keeper"], "autre", *(f"t{i}" for i in range(51)))
    with pytest.raises(NotFoundError):
        algorithms.get_algorithm(instance, ADMIN, "autre")  # nothing was written
    # Citing by id works as by slug (both name it once); once agglo's register is published
    # the steward may cite its activities.
    update_register(instance, ADMIN, "agglo", parse_settings({"published": True}))
    cite(instance, world["steward"], "autre", activity.id, "inscriptions-cantine")
    assert shown(instance, world["steward"], "autre") == ["inscriptions-cantine"]


def test_readers_see_a_cited_activity_only_if_they_may_see_its_register(
    instance: Instance, world: dict[str, Any]
) -> None:
    processing_world(instance)
    cite(instance, ADMIN, "tarif-cantine", "inscriptions-cantine")
    algorithms.set_published(instance, ADMIN, "tarif-cantine", True)
    for principal in (ANONYMOUS, world["agent"], world["steward"], world["other"]):
        assert shown(instance, principal, "tarif-cantine") == []
        (listed,) = algorithms.list_algorithms(instance, principal)
        view = algorithms.algorithm_view(listed, "")
        assert view["processings"] == []
        assert "Inscriptions" not in b"".join(algorithms.csv_chunks([view])).decode()
    before = len(register_reads(instance))
    assert shown(instance, world["keeper"], "tarif-cantine") == ["inscriptions-cantine"]
    reads = register_reads(instance)
    assert len(reads) == before + 1  # the keeper read an unpublished register entry
    assert reads[-1]["activities"] == ["inscriptions-cantine"]
    view = algorithms.algorithm_view(
        algorithms.get_algorithm(instance, world["keeper"], "tarif-cantine"), ""
    )
    assert view["processings"] == [
        {
            "slug": "inscriptions-cantine",
            "name": "Inscriptions à la cantine",
            "reference": "T-12",
            "page": "/registre/inscriptions-cantine",
            "api": "/api/v1/register/inscriptions-cantine",
        }
    ]
    rows = list(
        csv.reader(
            io.StringIO(b"".join(algorithms.csv_chunks([view])).decode("utf-8-sig")), delimiter=";"
        )
    )
    column = rows[0].index("Traitements du registre RGPD")
    assert rows[1][column] == "Inscriptions à la cantine (/registre/inscriptions-cantine)"
    update_register(instance, ADMIN, "agglo", parse_settings({"published": True}))
    assert shown(instance, ANONYMOUS, "tarif-cantine") == ["inscriptions-cantine"]
    assert len(register_reads(instance)) == before + 2  # a published register: nothing to log


def test_the_register_entry_lists_the_algorithms_its_reader_may_see(
    instance: Instance, world: dict[str, Any]
) -> None:
    processing_world(instance)
    cite(instance, ADMIN, "tarif-cantine", "inscriptions-cantine")
    algorithms.set_published(instance, ADMIN, "tarif-cantine", True)
    cite(instance, ADMIN, "brouillon", "inscriptions-cantine")
    keeper_view = activity_view(
        find_activity(instance, world["keeper"], "inscriptions-cantine"),
        world["keeper"],
        "",
        kept=True,
    )
    assert [(a["slug"], a["status"]) for a in keeper_view["algorithms"]] == [
        ("brouillon", "draft"),
        ("tarif-cantine", "published"),
    ]
    sheet = activity_sheet(1, keeper_view)
    assert [
        "tarif-cantine",
        "Algorithme tarif-cantine",
        "Publiée",
        "/algorithmes/tarif-cantine",
    ] in [row.cells for row in sheet.rows]
    with pytest.raises(NotFoundError):  # an unpublished register: no entry for the public
        find_activity(instance, ANONYMOUS, "inscriptions-cantine")
    update_register(instance, ADMIN, "agglo", parse_settings({"published": True}))
    public = find_activity(instance, ANONYMOUS, "inscriptions-cantine")
    public_view = activity_view(public, ANONYMOUS, "", kept=False)
    assert [a["slug"] for a in public_view["algorithms"]] == ["tarif-cantine"]
    assert "brouillon" not in str(
        sheets(register_view(get_register(instance, ANONYMOUS, "agglo"), ANONYMOUS, ""))
    )


def test_changing_the_cited_activities_keeps_what_the_editor_cannot_see(
    instance: Instance, world: dict[str, Any]
) -> None:
    processing_world(instance)
    cite(instance, world["keeper"], "tarif-cantine", "inscriptions-cantine")
    algorithms.update_algorithm(
        instance, world["steward"], "tarif-cantine", content={"context": "Nouveau"}, processings=[]
    )
    entry = algorithms.get_algorithm(instance, ADMIN, "tarif-cantine")
    assert [p.slug for p in entry.processings] == [
        "inscriptions-cantine"
    ]  # hidden from the steward
    assert entry.algorithm.revisions[-1].changes == ["context"]
    algorithms.update_algorithm(
        instance, world["keeper"], "tarif-cantine", content={}, processings=[]
    )
    entry = algorithms.get_algorithm(instance, ADMIN, "tarif-cantine")
    assert entry.processings == [] and entry.algorithm.revision == 3
    assert entry.algorithm.revisions[-1].changes == ["processings"]
    assert entry.algorithm.revisions[-1].content["processings"] == []
    assert entry.algorithm.revisions[0].content["processings"] != []  # the past is kept
    write = [d for a, r, d in audit_actions(instance) if a == "write/algorithm"][-1]
    assert write["changes"] == ["processings"]


def register_reads(instance: Instance) -> list[dict[str, Any]]:
    with instance.db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        return [
            e.details for e in entries if e.action == "read/register" and "activities" in e.details
        ]


def test_cited_activities_on_each_backend(any_instance: Instance, tmp_path: Path) -> None:
    """algoregister: the link table both ways and the readers' filter, on SQLite and PostgreSQL."""
    populate(any_instance, tmp_path)
    keeper = person(any_instance, "dpo@agglo.fr", "agglo", "dpo")
    create_activity(any_instance, keeper, "agglo", "facturation", parse_fields({"name": "Fact"}))
    cite(any_instance, keeper, "publiee", "facturation")
    algorithms.set_published(any_instance, keeper, "publiee", True)
    assert shown(any_instance, keeper, "publiee") == ["facturation"]
    assert shown(any_instance, ANONYMOUS, "publiee") == []
    (listed,) = algorithms.list_algorithms(any_instance, keeper)
    assert [p.slug for p in listed.processings] == ["facturation"]
    activity = find_activity(any_instance, keeper, "facturation")
    assert [a.slug for a in activity.algorithms] == ["publiee"]
