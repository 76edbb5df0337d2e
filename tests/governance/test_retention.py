"""Retention end to end on the core: exact expired counts checked by an independent DuckDB
query on the source file, files really gone from the lake, dry runs that change nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.quality import quality_view
from socle.core.records import read_records, stored_export
from socle.core.users import create_user
from socle.core.versions import (
    add_version,
    derived_dir,
    filtered_version,
    get_version,
    list_versions,
)
from socle.engine import RecordQuery
from socle.errors import ConflictError, GoneError, InputError, NotFoundError
from socle.governance import audit
from socle.governance.identity import MembershipGrant, Role
from socle.governance.policy import ADMIN, Principal
from socle.governance.retention import purge, setting, upcoming
from socle.governance.retention.durations import Period
from socle.governance.retention.rules import RetentionRule
from socle.governance.retention.schedule import DailyRetention, seconds_until
from socle.instance import Instance
from socle.storage.retention import VersionPurge
from socle.storage.tables import AuditEntry

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)  # the run's "now": cutoff P1Y6M = 2024-09-01 12:00
START = date(2023, 1, 1)


def generated(path: Path, rows: int) -> Path:
    """A table of ``rows`` visits, one day apart from 2023-01-01, some without a date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["id;jour;horodatage;montant"]
    for i in range(rows):
        day = START + timedelta(days=i)
        jour = "" if i % 97 == 5 else day.isoformat()
        lines.append(f"{i};{jour};{day.isoformat()}T{i % 24:02d}:30:00;{i * 3}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected_expired(path: Path, column: str, cutoff: datetime) -> int:
    """The independent count: DuckDB on the CSV itself, not on Socle's Parquet."""
    with duckdb.connect() as con:
        return int(
            con.execute(
                f"SELECT count(*) FROM read_csv(?, delim=';', header=true) "
                f"WHERE CAST({column} AS TIMESTAMP) < ?",
                [str(path), cutoff.replace(tzinfo=None)],
            ).fetchone()[0]  # type: ignore[index]
        )


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_periods_parse_strictly_and_count_calendar_months() -> None:
    assert Period.parse("p2y6m").months == 30
    assert Period.parse("P2W").days == 14
    assert Period.parse("P1M").before(datetime(2024, 3, 31, tzinfo=UTC)) == datetime(
        2024, 2, 29, tzinfo=UTC
    )
    assert Period.parse("P1Y").after(datetime(2024, 2, 29, tzinfo=UTC)) == datetime(
        2025, 2, 28, tzinfo=UTC
    )
    for bad, reason in [
        ("PT1H", "heures"),
        ("P1.5Y", "ISO 8601"),
        ("-P1Y", "ISO 8601"),
        ("P", "ISO 8601"),
        ("P0D", "nulle"),
        ("1Y", "ISO 8601"),
    ]:
        with pytest.raises(InputError, match=reason):
            Period.parse(bad)


def test_row_level_purge(any_instance: Instance, tmp_path: Path) -> None:
    first = generated(tmp_path / "v1" / "visites.csv", 500)
    second = generated(tmp_path / "v2" / "visites.csv", 1200)
    metadata = parse_metadata(title="Visites", retention={"period": "P1Y6M", "date_column": "jour"})
    add_version(any_instance, ADMIN, first, "visites", metadata=metadata)
    add_version(any_instance, ADMIN, second, "visites")
    v1, v2 = sorted(list_versions(any_instance, ADMIN, "visites"), key=lambda v: v.number)
    stored_export(any_instance, v2, "csv")  # a derived file holding the expired rows too
    assert any(derived_dir(any_instance, v2, "exports").iterdir())
    cutoff = Period.parse("P1Y6M").before(AT)
    expired_1 = expected_expired(first, "jour", cutoff)
    expired_2 = expected_expired(second, "jour", cutoff)
    assert 0 < expired_1 < 500 and expired_1 < expired_2 < 1200
    folders = [any_instance.lake.path(v.lake_key) for v in (v1, v2)]
    before = [digests(f) for f in folders]

    [dry] = purge.run(any_instance, ADMIN, dry_run=True, at=AT)
    assert (dry.rows_removed, dry.versions_purged, dry.new_version) == (expired_2, (1, 2), 3)
    assert dry.bytes_freed == sum(
        sum(p.stat().st_size for p in f.rglob("*") if p.is_file()) for f in folders
    )
    assert [digests(f) for f in folders] == before
    assert len(list_versions(any_instance, ADMIN, "visites")) == 2
    with any_instance.db.session() as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "write/purge")) is None

    [done] = purge.run(any_instance, ADMIN, at=AT)
    assert done.error is None
    assert (done.rows_removed, done.versions_purged, done.new_version) == (expired_2, (1, 2), 3)
    assert done.bytes_freed == dry.bytes_freed
    for folder in folders:
        assert not folder.exists()  # data, raw input, quality files and derived exports
    latest = get_version(any_instance, ADMIN, "visites")
    assert latest.number == 3 and latest.method == "retention"
    assert latest.row_count == 1200 - expired_2
    assert latest.quality.get("score") is not None  # assessed like any version
    with duckdb.connect() as con:
        oldest, undated = con.execute(
            "SELECT min(jour), count(*) FILTER (WHERE jour IS NULL) FROM read_parquet(?)",
            [str(any_instance.lake.path(latest.lake_key) / "data.parquet")],
        ).fetchone()  # type: ignore[misc]
    assert oldest >= cutoff.date() and undated > 0  # undated rows are kept
    for number in (1, 2):
        with pytest.raises(GoneError, match=f"version {number} de « visites » a été supprimée"):
            get_version(any_instance, ADMIN, "visites", number)
        with pytest.raises(GoneError):
            read_records(any_instance, ADMIN, "visites", RecordQuery(), number)
        with pytest.raises(GoneError):
            quality_view(any_instance, ADMIN, "visites", number)
    with any_instance.db.session() as session:
        tombstones = {p.version.number: p for p in session.scalars(select(VersionPurge)).all()}
        assert {n: t.rows_expired for n, t in tombstones.items()} == {1: expired_1, 2: expired_2}
        assert {t.replaced_by for t in tombstones.values()} == {3}
        assert sum(t.bytes_freed for t in tombstones.values()) == done.bytes_freed
        logged = session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["write/purge", "write/retention"]))
        ).all()
    assert [e.action for e in logged] == ["write/retention", "write/purge"]
    assert logged[1].details is not None
    assert logged[1].details["rows_removed"] == expired_2
    assert logged[1].details["versions_purged"] == [1, 2]
    assert logged[1].details["bytes_freed"] == done.bytes_freed
    assert audit.verify(any_instance.db).ok
    listed = list_versions(any_instance, ADMIN, "visites")
    assert [v.purged_at is not None for v in listed] == [False, True, True]

    [again] = purge.run(any_instance, ADMIN, at=AT)
    assert (again.rows_removed, again.versions_purged, again.new_version) == (0, (), None)


def test_timestamp_column_and_a_changed_period(instance: Instance, tmp_path: Path) -> None:
    source = generated(tmp_path / "visites.csv", 900)
    add_version(instance, ADMIN, source, "visites")
    setting.set_rule(
        instance, ADMIN, "visites", RetentionRule(period="P2Y", date_column="horodatage")
    )
    cutoff = Period.parse("P2Y").before(AT)
    [done] = purge.run(instance, ADMIN, at=AT)
    assert done.rows_removed == expected_expired(source, "horodatage", cutoff) > 0
    assert get_version(instance, ADMIN, "visites").row_count == 900 - done.rows_removed


def test_version_level_purge_keeps_the_newest(instance: Instance, tmp_path: Path) -> None:
    source = generated(tmp_path / "visites.csv", 50)
    for _ in range(3):
        add_version(instance, ADMIN, source, "visites")
    setting.set_rule(instance, ADMIN, "visites", RetentionRule(period="P30D"))
    keys = [
        v.lake_key
        for v in sorted(list_versions(instance, ADMIN, "visites"), key=lambda v: v.number)
    ]
    assert purge.run(instance, ADMIN, at=datetime.now(UTC))[0].versions_purged == ()
    later = datetime.now(UTC) + timedelta(days=31)
    [dry] = purge.run(instance, ADMIN, dry_run=True, at=later)
    assert dry.versions_purged == (1, 2) and all(instance.lake.path(k).exists() for k in keys)
    [done] = purge.run(instance, ADMIN, at=later)
    assert done.versions_purged == (1, 2) and done.new_version is None
    assert [instance.lake.path(k).exists() for k in keys] == [False, False, True]
    assert get_version(instance, ADMIN, "visites").number == 3


def test_bad_rules_are_refused_clearly(instance: Instance, tmp_path: Path) -> None:
    add_version(instance, ADMIN, generated(tmp_path / "visites.csv", 10), "visites")
    with pytest.raises(InputError, match="BIGINT"):
        setting.set_rule(
            instance, ADMIN, "visites", RetentionRule(period="P1Y", date_column="montant")
        )
    with pytest.raises(InputError, match="n'existe pas"):
        setting.set_rule(
            instance, ADMIN, "visites", RetentionRule(period="P1Y", date_column="nope")
        )
    with pytest.raises(InputError, match="PT1H"):
        parse_metadata(retention={"period": "PT1H"})
    with pytest.raises(NotFoundError, match="Pas de durée de conservation"):
        purge.run(instance, ADMIN, slugs=["visites"])


def test_upcoming_purges_for_the_dpo_only(instance: Instance, tmp_path: Path) -> None:
    create_organization(instance, "agglo", "Agglo")
    source = generated(tmp_path / "visites.csv", 1200)
    metadata = parse_metadata(title="Visites", retention={"period": "P1Y6M", "date_column": "jour"})
    add_version(instance, ADMIN, source, "visites", organization="agglo", metadata=metadata)
    dpo = create_user(instance, "dpo@agglo.fr", "une phrase de passe solide")
    set_membership(instance, "agglo", "dpo@agglo.fr", "dpo")
    as_dpo = Principal(
        "dpo@agglo.fr",
        user_id=dpo.id,
        memberships=(MembershipGrant(_org_id(instance), Role.DPO),),
    )
    [item] = upcoming.upcoming_purges(instance, as_dpo, "agglo", 30, at=AT)
    view = item.view()
    assert view["rows_expired"] == expected_expired(
        source, "jour", Period.parse("P1Y6M").before(AT)
    )
    in_30 = Period.parse("P1Y6M").before(AT + timedelta(days=30))
    assert view["rows_expiring"] == expected_expired(source, "jour", in_30)
    assert item.next_purge == AT  # rows have already expired: the next run
    with instance.db.session() as session:
        [seen] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "read/retention")
        ).all()
        assert (seen.actor, seen.dataset_slug) == ("dpo@agglo.fr", "visites")
    agent = Principal(
        "a", user_id="u", memberships=(MembershipGrant(_org_id(instance), Role.AGENT),)
    )
    with pytest.raises(NotFoundError):
        upcoming.upcoming_purges(instance, agent, "agglo", 30)
    with pytest.raises(InputError):
        upcoming.upcoming_purges(instance, as_dpo, "agglo", 0)
    # Once purged, the next purge is when the oldest row kept reaches the period.
    purge.run(instance, ADMIN, at=AT)
    [after] = upcoming.upcoming_purges(instance, as_dpo, "agglo", 30, at=AT)
    assert after.view()["rows_expired"] == 0
    assert after.next_purge == datetime(2026, 3, 2, tzinfo=UTC)  # 2024-09-02 + P1Y6M


def test_the_daily_run(instance: Instance, tmp_path: Path) -> None:
    from datetime import time

    now = datetime(2026, 1, 1, 10, 0)
    assert seconds_until(time(3, 30), now) == 17.5 * 3600
    assert seconds_until(time(10, 30), now) == 1800
    source = generated(tmp_path / "visites.csv", 1200)
    add_version(instance, ADMIN, source, "visites")
    setting.set_rule(instance, ADMIN, "visites", RetentionRule(period="P1Y", date_column="jour"))
    daily = DailyRetention(instance, time(3, 30))
    daily.start()
    assert daily.running
    daily.run_once()
    daily.stop()
    assert not daily.running
    latest = get_version(instance, ADMIN, "visites")
    assert latest.number == 2 and latest.created_by == "retention-planifiee"


def _org_id(instance: Instance) -> str:
    from socle.core.organizations import get_organization

    return get_organization(instance, "agglo").id


def test_a_dataset_that_cannot_be_purged_does_not_stop_the_others(
    any_instance: Instance, tmp_path: Path
) -> None:
    rule = {"period": "P1Y", "date_column": "jour"}
    for slug in ("a", "b"):
        source = generated(tmp_path / slug / "visites.csv", 800)
        add_version(any_instance, ADMIN, source, slug, metadata=parse_metadata(retention=rule))
    undated = tmp_path / "sans-date.csv"
    undated.write_text("id;montant\n1;2\n", encoding="utf-8")
    add_version(any_instance, ADMIN, undated, "a")  # the date column is gone
    a, b = purge.run(any_instance, ADMIN, at=AT)
    assert a.error is not None and "« jour » n'existe pas" in a.error
    assert len(list_versions(any_instance, ADMIN, "a")) == 2  # nothing touched
    assert b.error is None and b.rows_removed > 0
    setting.set_rule(any_instance, ADMIN, "a", None)
    assert [o.plan.slug for o in purge.run(any_instance, ADMIN, dry_run=True, at=AT)] == ["b"]
    with pytest.raises(NotFoundError, match="Pas de durée de conservation pour : a"):
        purge.run(any_instance, ADMIN, slugs=["a"])


def test_older_versions_without_the_column_go_by_their_age(
    instance: Instance, tmp_path: Path
) -> None:
    undated = tmp_path / "sans-date.csv"
    undated.write_text("id;montant\n1;2\n", encoding="utf-8")
    add_version(instance, ADMIN, undated, "visites")
    add_version(instance, ADMIN, generated(tmp_path / "visites.csv", 100), "visites")
    setting.set_rule(instance, ADMIN, "visites", RetentionRule(period="P1Y", date_column="jour"))
    # Today version 1 is recent: kept; the rows of 2023 in version 2 have expired.
    [now] = purge.run(instance, ADMIN, dry_run=True)
    assert now.versions_purged == (2,) and now.rows_removed == 100 - 1  # one row is undated
    [later] = purge.run(instance, ADMIN, dry_run=True, at=datetime.now(UTC) + timedelta(days=400))
    assert later.versions_purged == (1, 2)


def test_a_version_arriving_meanwhile_is_not_overwritten(
    instance: Instance, tmp_path: Path
) -> None:
    source = generated(tmp_path / "visites.csv", 100)
    first = add_version(instance, ADMIN, source, "visites")
    add_version(instance, ADMIN, source, "visites")
    note = tmp_path / "note.json"
    note.write_text("{}", encoding="utf-8")
    with pytest.raises(ConflictError, match="arrivée entre-temps"):
        filtered_version(
            instance,
            ADMIN,
            "visites",
            first,
            ("SELECT 1", []),
            note,
            method="retention",
            lineage={},
        )
    assert len(list_versions(instance, ADMIN, "visites")) == 2
