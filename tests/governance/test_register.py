"""The RGPD register (governance.register): who keeps it, what is audited, the DPIA
assistant and its workflow, the publication rule on personal datasets, the exports."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from socle.core.catalog import update_dataset
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.versions import add_version
from socle.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from socle.governance import audit
from socle.governance.policy import ADMIN, ANONYMOUS, Principal
from socle.governance.register import (
    assess,
    create_activity,
    find_activity,
    get_register,
    link_dataset,
    list_activities,
    parse_fields,
    parse_settings,
    set_dpia_status,
    unlink_dataset,
    update_activity,
    update_register,
)
from socle.governance.register.dpia import CNIL_MANDATORY_TYPES, EDPB_CRITERIA
from socle.governance.register.export import workbook
from socle.governance.register.views import register_view
from socle.instance import Instance
from tests.core.test_sharing import member

FULL = {
    "name": "Aides sociales facultatives",
    "reference": "T-012",
    "service": "CCAS",
    "contact_name": "Claire Dupont",
    "contact_email": "claire.dupont@agglo.fr",
    "purpose": "Instruire et verser les aides sociales facultatives",
    "sub_purposes": ["Instruction des demandes", "Paiement", "Statistiques"],
    "legal_basis": "public_task",
    "legal_basis_detail": "Code de l'action sociale et des familles, art. L123-5",
    "data_subjects": ["Demandeurs d'aide", "Membres du foyer"],
    "data_categories": [
        {"category": "identity", "description": "Nom, prénom", "retention": "5 ans"},
        {"category": "economic", "description": "Revenus du foyer", "retention": "5 ans"},
        {"category": "health", "description": "Handicap", "retention": "2 ans"},
    ],
    "sources": ["Formulaire de demande"],
    "recipients": ["Agents instructeurs du CCAS", "Trésor public"],
    "processors": [{"name": "Éditeur du logiciel", "detail": "Hébergement"}],
    "transfers": [
        {"recipient": "Support", "country": "Suisse", "safeguard": "adequacy"},
    ],
    "security_measures": {"access_control": "Comptes nominatifs", "backup": "Quotidienne"},
}


@pytest.fixture
def world(instance: Instance, tmp_path: Path) -> Instance:
    for org in ("agglo", "voisine"):
        create_organization(instance, org, org.title())
    source = tmp_path / "aides.csv"
    source.write_text("commune;montant\nBourg;12\n", encoding="utf-8")
    for slug, access in (("aides", "restricted"), ("voirie", "internal")):
        meta = parse_metadata(title=slug, access=access)
        add_version(instance, ADMIN, source, slug, organization="agglo", metadata=meta)
    add_version(instance, ADMIN, source, "ailleurs", organization="voisine")
    return instance


def test_storage_round_trip_on_both_backends(any_instance: Instance) -> None:
    create_organization(any_instance, "agglo", "Agglo")
    create_activity(any_instance, ADMIN, "agglo", "aides-sociales", parse_fields(FULL))
    found = find_activity(any_instance, ADMIN, "aides-sociales")
    assert found.data_categories[2] == {
        "category": "health",
        "description": "Handicap",
        "retention": "2 ans",
    }
    assert found.transfers[0]["safeguard"] == "adequacy"
    assert found.security_measures == {
        "access_control": "Comptes nominatifs",
        "backup": "Quotidienne",
    }
    assert find_activity(any_instance, ADMIN, found.id).slug == "aides-sociales"


def test_keepers_read_and_edit_others_see_nothing(world: Instance) -> None:
    dpo = member(world, "dpo@agglo.fr", "agglo", "dpo")
    admin = member(world, "admin@agglo.fr", "agglo", "admin")
    officer = member(world, "cdo@agglo.fr", "agglo", "data_officer")
    agent = member(world, "agent@agglo.fr", "agglo", "agent")
    steward = member(world, "s@agglo.fr", "agglo", "steward")
    other_dpo = member(world, "dpo@voisine.fr", "voisine", "dpo")
    create_activity(world, dpo, "agglo", "aides", parse_fields(FULL))
    for keeper in (dpo, admin, officer, ADMIN):
        assert find_activity(world, keeper, "aides").name == FULL["name"]
        updated = update_activity(world, keeper, "aides", parse_fields({"reference": "T-1"}))
        assert updated.updated_by == keeper.name
    for outsider in (agent, steward, other_dpo, ANONYMOUS):
        with pytest.raises(NotFoundError):
            find_activity(world, outsider, "aides")
        with pytest.raises(NotFoundError):
            update_activity(world, outsider, "aides", parse_fields({"name": "x"}))
        with pytest.raises(NotFoundError):
            create_activity(world, outsider, "agglo", "autre", parse_fields({"name": "x"}))
        assert list_activities(world, outsider) == []
        with pytest.raises(NotFoundError):
            get_register(world, outsider, "agglo")
    assert [a.slug for a in list_activities(world, officer)] == ["aides"]
    # Every change and every read of the unpublished register is in the log, refusals too.
    entries = audit.search(world.db, ADMIN, audit.AuditFilters.parse(), page_size=100).entries
    actions = [(e.actor, e.action, e.result) for e in entries]
    assert ("dpo@agglo.fr", "write/register", "allowed") in actions
    assert ("cdo@agglo.fr", "read/register", "allowed") in actions
    assert ("agent@agglo.fr", "read/register", "denied") in actions
    assert ("s@agglo.fr", "write/register", "denied") in actions


def test_publishing_the_register_opens_a_public_view(world: Instance) -> None:
    create_activity(world, ADMIN, "agglo", "aides", parse_fields(FULL))
    link_dataset(world, ADMIN, "aides", "aides")
    link_dataset(world, ADMIN, "aides", "voirie")
    update_register(
        world,
        ADMIN,
        "agglo",
        parse_settings({"published": True, "dpo_name": "Jean Dpo", "dpo_email": "dpo@agglo.fr"}),
    )
    public = get_register(world, ANONYMOUS, "agglo")
    assert not public.kept and not public.editable
    view = register_view(public, ANONYMOUS, "http://x")
    assert "dpo_name" not in view["contacts"] and view["contacts"]["dpo_email"] == "dpo@agglo.fr"
    activity = view["activities"][0]
    assert activity["name"] == FULL["name"] and activity["sensitive_data"] is True
    for internal in ("contact", "security_measures"):
        assert internal not in activity
    assert set(activity["dpia"]) == {"required", "status", "status_label"}
    assert activity["datasets"] == []  # restricted and internal: the visitor may read neither
    assert [a.slug for a in list_activities(world, ANONYMOUS)] == ["aides"]
    full = register_view(get_register(world, ADMIN, "agglo"), ADMIN, "http://x")
    assert full["activities"][0]["contact"]["name"] == "Claire Dupont"
    assert [d["slug"] for d in full["activities"][0]["datasets"]] == ["aides", "voirie"]


def test_dpia_assistant_two_criteria_or_one_listed_type() -> None:
    assert len(EDPB_CRITERIA) == 9 and len(CNIL_MANDATORY_TYPES) == 14
    assert not assess(["large_scale"], []).required
    assert assess(["large_scale", "sensitive_data"], []).required
    listed = assess([], ["social_housing"])
    assert listed.required and "logements sociaux" in listed.reasons[0]
    with pytest.raises(InputError, match="inconnu"):
        assess(["n-importe-quoi"], [])


def test_dpia_workflow_and_the_dpo_opinion(world: Instance) -> None:
    dpo = member(world, "dpo@agglo.fr", "agglo", "dpo")
    officer = member(world, "cdo@agglo.fr", "agglo", "data_officer")
    create_activity(world, officer, "agglo", "aides", parse_fields(FULL))
    with pytest.raises(ConflictError, match="À faire"):
        set_dpia_status(world, officer, "aides", "validated")
    set_dpia_status(world, officer, "aides", "in_progress")
    set_dpia_status(world, officer, "aides", "dpo_opinion")
    with pytest.raises(ConflictError, match="avis du DPO"):
        set_dpia_status(world, officer, "aides", "validated")
    opinion = {"dpia_opinion": "Avis favorable", "dpia_opinion_date": "2026-03-01"}
    with pytest.raises(ForbiddenError, match="DPO"):
        update_activity(world, officer, "aides", parse_fields(opinion))
    update_activity(world, dpo, "aides", parse_fields(opinion))
    # The same opinion sent back unchanged by someone else (a whole form) is fine.
    update_activity(world, officer, "aides", parse_fields({**opinion, "reference": "T-2"}))
    assert set_dpia_status(world, officer, "aides", "validated").dpia_status == "validated"
    with pytest.raises(InputError, match="inconnu"):
        set_dpia_status(world, officer, "aides", "termine")


def test_bad_input_is_refused_clearly(world: Instance) -> None:
    for bad, word in (
        ({"legal_basis": "envie"}, "base légale"),
        ({"data_categories": [{"category": "couleur"}]}, "catégorie"),
        ({"transfers": [{"recipient": "x", "country": "US", "safeguard": "?"}]}, "garantie"),
        ({"security_measures": {"magie": "oui"}}, "mesure"),
        ({"dpia_criteria": ["faux"]}, "Critère du CEPD"),
        ({"contact_email": "pas une adresse"}, "adresse"),
        ({"inconnu": 1}, "inconnu"),
    ):
        with pytest.raises(InputError, match=word):
            parse_fields(bad)
    with pytest.raises(InputError, match="obligatoire"):
        create_activity(world, ADMIN, "agglo", "vide", parse_fields({}))
    with pytest.raises(InputError, match="Identifiant"):
        create_activity(world, ADMIN, "agglo", "Pas Bon", parse_fields({"name": "x"}))
    create_activity(world, ADMIN, "agglo", "aides", parse_fields({"name": "x"}))
    with pytest.raises(ConflictError):
        create_activity(world, ADMIN, "agglo", "aides", parse_fields({"name": "x"}))
    with pytest.raises(InputError, match="n'appartient pas"):
        link_dataset(world, ADMIN, "aides", "ailleurs")


def test_a_personal_dataset_needs_a_register_entry_beyond_restricted(world: Instance) -> None:
    update_dataset(world, ADMIN, "voirie", parse_metadata(personal_data=True, access="restricted"))
    refused = "rattachez-le à un traitement du registre RGPD"
    for level in ("internal", "partners"):
        with pytest.raises(InputError, match=refused):
            update_dataset(world, ADMIN, "voirie", parse_metadata(access=level))
    create_activity(world, ADMIN, "agglo", "voirie", parse_fields({"name": "Voirie"}))
    link_dataset(world, ADMIN, "voirie", "voirie")
    update_dataset(world, ADMIN, "voirie", parse_metadata(access="partners"))
    with pytest.raises(InputError, match="public"):  # the older rule still holds
        update_dataset(world, ADMIN, "voirie", parse_metadata(access="public"))
    # Its last link cannot go while it is open beyond restricted.
    with pytest.raises(ConflictError, match="restricted"):
        unlink_dataset(world, ADMIN, "voirie", "voirie")
    update_dataset(world, ADMIN, "voirie", parse_metadata(access="restricted"))
    assert unlink_dataset(world, ADMIN, "voirie", "voirie").datasets == []


def test_read_only_tokens_read_but_never_edit(world: Instance) -> None:
    from dataclasses import replace

    from socle.governance.identity import Scope, TokenGrant

    dpo = member(world, "dpo@agglo.fr", "agglo", "dpo")
    create_activity(world, dpo, "agglo", "aides", parse_fields({"name": "x"}))
    reader: Principal = replace(dpo, token=TokenGrant("t", Scope.READ))
    assert find_activity(world, reader, "aides").name == "x"
    with pytest.raises(ForbiddenError, match="lecture"):
        update_activity(world, reader, "aides", parse_fields({"name": "y"}))
    one_dataset = replace(dpo, token=TokenGrant("t", Scope.WRITE, dataset_id="d"))
    with pytest.raises(NotFoundError):
        find_activity(world, one_dataset, "aides")


def test_exports_have_one_sheet_per_activity(world: Instance) -> None:
    create_activity(world, ADMIN, "agglo", "aides", parse_fields(FULL))
    create_activity(world, ADMIN, "agglo", "cantine", parse_fields({"name": "Cantine: menus?"}))
    view = register_view(get_register(world, ADMIN, "agglo"), ADMIN, "http://x")
    book = openpyxl.load_workbook(io.BytesIO(workbook(view, "xlsx")))
    assert book.sheetnames == ["Registre", "1 - Aides sociales facultatives", "2 - Cantine  menus"]
    cells = [c for row in book["1 - Aides sociales facultatives"].iter_rows(values_only=True)
             for c in row if c]  # fmt: skip
    for expected in ("Revenus du foyer", "Données concernant la santé", "Suisse", "Quotidienne"):
        assert expected in cells
    ods = CalamineWorkbook.from_filelike(io.BytesIO(workbook(view, "ods")))
    assert ods.sheet_names == book.sheetnames
    rows = ods.get_sheet_by_name("Registre").to_python()
    assert any("Aides sociales facultatives" in row for row in rows)
    with pytest.raises(InputError):
        workbook(view, "pdf")
