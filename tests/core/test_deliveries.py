"""Partners' obligations and deliveries: due dates, who may deliver, validation, the board."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from socle.core.agreements import add_agreement, add_obligation, get_agreement, set_status
from socle.core.deliveries import board, deliver
from socle.core.obligations import ObligationTerms, due_date
from socle.core.organizations import create_organization
from socle.core.schemas import add_schema
from socle.core.versions import add_version, list_versions
from socle.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from socle.governance.identity import Scope, TokenGrant
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.storage.deliveries import Obligation
from socle.storage.tables import AuditEntry
from tests.core.test_sharing import member

VALID = "ligne;date;montees\nT1;2025-01-06;120\nT2;2025-01-06;80\n"
INVALID = "ligne;date;montees\nT1;2025-01-06;beaucoup\n"
SCHEMA = {
    "name": "frequentation",
    "version": "1",
    "fields": [
        {"name": "ligne", "type": "string", "constraints": {"required": True}},
        {"name": "date", "type": "date"},
        {"name": "montees", "type": "integer"},
    ],
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def sign(instance: Instance, first_due: date, frequency: str = "MONTHLY", **extra: object) -> None:
    """Agreement « dsp » of « agglo » with « transdev », delivering « frequentation »."""
    add_agreement(
        instance, ADMIN, "dsp", title="DSP transport", organization="agglo",
        partner="transdev", datasets=["frequentation"], starts_on=date(2025, 1, 1),
        purpose="Suivre la fréquentation", legal_basis="Contrat de DSP, art. 12",
        hosting="Données hébergées en France",
        obligations=[ObligationTerms("frequentation", frequency, first_due, "frequentation@1")],
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def world(instance: Instance, tmp_path: Path) -> Instance:
    for org in ("agglo", "transdev", "labo"):
        create_organization(instance, org, org.title())
    add_schema(instance, ADMIN, SCHEMA, "frequentation.json")
    source = write(tmp_path, "initial.csv", VALID)
    add_version(instance, ADMIN, source, "frequentation", organization="agglo")
    return instance


def moment(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def logged(instance: Instance) -> list[tuple[str, str]]:
    """(action, actor) of every audit entry."""
    with instance.db.session() as session:
        return [tuple(r) for r in session.execute(select(AuditEntry.action, AuditEntry.actor))]


def obligation_id(instance: Instance) -> str:
    with instance.db.session() as session:
        return session.scalars(select(Obligation.id)).one()


def test_due_dates_follow_the_frequency_and_stop_at_the_end(world: Instance) -> None:
    sign(world, date(2025, 1, 31), ends_on=date(2025, 4, 30))
    with world.db.session() as session:
        obligation = session.scalars(select(Obligation)).one()
    dues = [due_date(obligation, i, date(2025, 4, 30)) for i in range(5)]
    assert dues == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        None,
    ]
    weekly = Obligation(frequency="WEEKLY", first_due_on=date(2025, 1, 6))
    assert due_date(weekly, 2, None) == date(2025, 1, 20)
    once = Obligation(frequency="IRREG", first_due_on=date(2025, 1, 6))
    assert due_date(once, 0, None) == date(2025, 1, 6) and due_date(once, 1, None) is None


def test_clauses_and_obligations_are_kept_and_logged(world: Instance) -> None:
    sign(world, date(2025, 2, 1))
    agreement = get_agreement(world, ADMIN, "dsp")
    assert agreement.purpose == "Suivre la fréquentation"
    assert agreement.legal_basis.startswith("Contrat")  # type: ignore[union-attr]
    assert agreement.hosting == "Données hébergées en France"
    actions = [action for action, _ in logged(world)]
    assert "write/agreement" in actions and "write/obligation" in actions


def test_bad_obligations_are_refused_with_the_agreement(world: Instance) -> None:
    with pytest.raises(InputError, match="Fréquence « HOURLY » impossible"):
        sign(world, date(2025, 2, 1), frequency="HOURLY")
    with pytest.raises(InputError, match="précède le début"):
        sign(world, date(2024, 2, 1))
    with pytest.raises(NotFoundError):
        get_agreement(world, ADMIN, "dsp")  # nothing half-written
    sign(world, date(2025, 2, 1))
    with pytest.raises(NotFoundError, match="Schéma"):
        add_obligation(
            world, ADMIN, "dsp", ObligationTerms("frequentation", "DAILY", date(2025, 3, 1), "x")
        )


def test_a_partner_delivers_and_the_board_follows(world: Instance, tmp_path: Path) -> None:
    sign(world, date(2025, 1, 31))
    partner = member(world, "p@transdev.fr", "transdev", "partner")
    steward = member(world, "s@agglo.fr", "agglo", "steward")
    ident = obligation_id(world)
    assert [r.status for r in board(world, steward, "agglo", today=date(2025, 1, 15))] == [
        "pending"
    ]
    good = write(tmp_path, "janvier.csv", VALID)
    delivery, version = deliver(world, partner, "dsp", ident, good, now=moment(2025, 1, 20))
    assert delivery.valid and delivery.due_on == date(2025, 1, 31) and version.number == 2
    assert version.created_by == "p@transdev.fr"
    [row] = board(world, steward, "agglo", today=date(2025, 1, 25))
    assert row.status == "on_time" and row.next_due_on == date(2025, 2, 28)
    assert board(world, steward, "agglo", today=date(2025, 3, 5))[0].status == "missing"
    bad = write(tmp_path, "fevrier.csv", INVALID)
    delivery, version = deliver(world, partner, "dsp", ident, bad, now=moment(2025, 3, 5))
    assert not delivery.valid and delivery.validation["errors"] >= 1
    [row] = board(world, steward, "agglo", today=date(2025, 3, 5))
    assert row.status == "invalid" and row.next_due_on == date(2025, 2, 28)
    assert len(list_versions(world, ADMIN, "frequentation")) == 3  # kept, marked invalid
    assert ("write/delivery", "p@transdev.fr") in logged(world)


def test_a_late_delivery_is_late(world: Instance, tmp_path: Path) -> None:
    sign(world, date(2025, 1, 31))
    partner = member(world, "p@transdev.fr", "transdev", "partner")
    ident = obligation_id(world)
    deliver(world, partner, "dsp", ident, write(tmp_path, "a.csv", VALID), now=moment(2025, 2, 3))
    [row] = board(world, ADMIN, "agglo", today=date(2025, 2, 5))
    assert row.status == "late"


def test_only_the_partners_members_deliver(world: Instance, tmp_path: Path) -> None:
    sign(world, date(2025, 1, 31))
    ident = obligation_id(world)
    good = write(tmp_path, "a.csv", VALID)
    outsider = member(world, "x@labo.fr", "labo", "partner")
    owner_agent = member(world, "a@agglo.fr", "agglo", "agent")
    for who in (outsider, owner_agent):
        with pytest.raises(NotFoundError):
            deliver(world, who, "dsp", ident, good)
    partner = member(world, "p@transdev.fr", "transdev", "partner")
    with pytest.raises(NotFoundError):
        deliver(world, partner, "dsp", "inconnue", good)
    reader = replace(partner, token=TokenGrant("t", Scope.READ))
    with pytest.raises(ForbiddenError):
        deliver(world, reader, "dsp", ident, good)
    set_status(world, ADMIN, "dsp", "suspended")
    assert ("write/agreement-status", "admin") in logged(world)
    with pytest.raises(ConflictError, match="pas active"):
        deliver(world, partner, "dsp", ident, good)
    assert len(list_versions(world, ADMIN, "frequentation")) == 1


def test_the_board_exists_for_the_owners_followers_only(world: Instance) -> None:
    sign(world, date(2025, 1, 31))
    for email, org, role in (
        ("p@transdev.fr", "transdev", "partner"),
        ("a@agglo.fr", "agglo", "agent"),
        ("d@agglo.fr", "agglo", "dpo"),
    ):
        with pytest.raises(NotFoundError):
            board(world, member(world, email, org, role), "agglo")
    assert len(board(world, member(world, "c@agglo.fr", "agglo", "data_officer"), "agglo")) == 1


def test_a_denied_delivery_is_logged_as_denied(world: Instance, tmp_path: Path) -> None:
    sign(world, date(2025, 1, 31))
    outsider = member(world, "x@labo.fr", "labo", "partner")
    with pytest.raises(NotFoundError):
        deliver(world, outsider, "dsp", obligation_id(world), write(tmp_path, "a.csv", VALID))
    with world.db.session() as session:
        found = session.execute(
            select(AuditEntry.action, AuditEntry.result).where(AuditEntry.actor == "x@labo.fr")
        ).all()
    assert [tuple(r) for r in found] == [("write/delivery", "denied")]
