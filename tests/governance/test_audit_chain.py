"""The chain on both metadata backends: verification, tampering through SQL, purge, concurrency."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from socle.errors import ConflictError
from socle.governance import audit
from socle.governance.policy import ADMIN, Principal
from socle.instance import Instance
from socle.storage.tables import AuditEntry


def append_many(instance: Instance, count: int, actor: Principal = ADMIN) -> None:
    for n in range(count):
        with instance.db.session() as session:
            audit.log(session, actor, "write/organization", details={"organization": f"o{n}"})


def sql(instance: Instance, statement: str) -> None:
    with instance.db.engine.begin() as conn:
        conn.execute(sa.text(statement))


def kinds(instance: Instance) -> list[tuple[str, int | None]]:
    return [(p.kind, p.seq) for p in audit.verify(instance.db).problems]


def test_an_untouched_chain_verifies(any_instance: Instance) -> None:
    assert audit.verify(any_instance.db).ok  # empty
    append_many(any_instance, 5)
    report = audit.verify(any_instance.db)
    assert report.ok and report.checked == 5 and report.last_seq == 5


def test_an_edited_entry_is_named(any_instance: Instance) -> None:
    append_many(any_instance, 6)
    sql(any_instance, "UPDATE audit_entries SET actor = 'quelqu-un' WHERE seq = 3")
    assert kinds(any_instance) == [("modified", 3)]


def test_an_edit_with_a_recomputed_seal_breaks_the_next_link(any_instance: Instance) -> None:
    append_many(any_instance, 6)
    with any_instance.db.session() as session:
        forged = session.get_one(AuditEntry, 3)
        session.expunge(forged)
    forged.actor = "quelqu-un"
    sql(
        any_instance,
        f"UPDATE audit_entries SET actor = 'quelqu-un', hash = '{audit.seal(forged)}' "
        "WHERE seq = 3",
    )
    assert kinds(any_instance) == [("broken-link", 4)]


def test_a_deleted_entry_in_the_middle_is_a_gap(any_instance: Instance) -> None:
    append_many(any_instance, 6)
    sql(any_instance, "DELETE FROM audit_entries WHERE seq = 4")
    [problem] = audit.verify(any_instance.db).problems
    assert (problem.kind, problem.seq) == ("missing", 4)
    assert problem.message == "entrée n° 4 manquante : supprimée(s) du journal"


def test_a_truncated_tail_is_caught_by_the_head(any_instance: Instance) -> None:
    append_many(any_instance, 6)
    sql(any_instance, "DELETE FROM audit_entries WHERE seq >= 5")
    [problem] = audit.verify(any_instance.db).problems
    assert problem.kind == "truncated"
    assert "la dernière entrée est la n° 4, la tête en annonce 6" in problem.message


def test_reordered_entries_are_caught(any_instance: Instance) -> None:
    append_many(any_instance, 6)
    for statement in (
        "UPDATE audit_entries SET seq = 100 WHERE seq = 2",
        "UPDATE audit_entries SET seq = 2 WHERE seq = 3",
        "UPDATE audit_entries SET seq = 3 WHERE seq = 100",
    ):
        sql(any_instance, statement)
    assert kinds(any_instance) == [
        ("broken-link", 2),
        ("modified", 2),
        ("broken-link", 3),
        ("modified", 3),
        ("broken-link", 4),
    ]


def test_a_purge_keeps_the_chain_verifiable_and_is_logged(any_instance: Instance) -> None:
    append_many(any_instance, 5)
    assert audit.purge(any_instance.db, ADMIN, 365).removed == 0  # nothing that old
    dry = audit.purge(any_instance.db, ADMIN, 0, dry_run=True)
    assert dry.removed == 6  # the five entries and the first purge's own entry
    done = audit.purge(any_instance.db, ADMIN, 0)
    assert (done.removed, done.anchor_seq) == (6, 6)
    append_many(any_instance, 2)
    report = audit.verify(any_instance.db)
    assert report.ok, report.problems
    assert (report.anchor_seq, report.checked, report.last_seq) == (6, 3, 9)
    with any_instance.db.session() as session:
        purge_entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.seq == 7)).one()
    assert purge_entry.action == "write/audit-purge"
    assert purge_entry.details is not None and purge_entry.details["removed"] == 6
    sql(any_instance, "DELETE FROM audit_entries WHERE seq = 7")  # the purge's own trace
    assert kinds(any_instance) == [("missing", 7)]


def test_a_purge_refuses_an_altered_log(any_instance: Instance) -> None:
    append_many(any_instance, 3)
    sql(any_instance, "UPDATE audit_entries SET result = 'allowed' WHERE seq = 2")
    sql(any_instance, "UPDATE audit_entries SET action = 'read/records' WHERE seq = 2")
    with pytest.raises(ConflictError, match="purge refusée"):
        audit.purge(any_instance.db, ADMIN, 0)


def test_concurrent_appends_keep_one_chain(any_instance: Instance) -> None:
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            append_many(any_instance, 50, Principal(f"agent-{n}"))
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    report = audit.verify(any_instance.db)
    assert report.ok, report.problems
    assert (report.checked, report.last_seq) == (200, 200)
