"""Usage counters in the metadata database, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from socle.core.ckan.packages import resource_id
from socle.core.usage import Kind, PeriodicFlush, Ref, UsageCounter, reports, today
from socle.errors import InputError
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.storage.tables import UsageCount
from tests.api.conftest import populate


@pytest.fixture
def counted(any_instance: Instance, tmp_path: Path) -> Instance:
    populate(any_instance, tmp_path)
    return any_instance


def rows(instance: Instance) -> list[tuple[str, str, str, int]]:
    with instance.db.engine.connect() as conn:
        found = conn.execute(
            sa.select(
                UsageCount.kind, UsageCount.detail, UsageCount.day, UsageCount.count
            ).order_by(UsageCount.kind, UsageCount.detail)
        ).all()
    return [(kind, detail, day.isoformat(), count) for kind, detail, day, count in found]


def test_flushes_add_to_one_counter_per_dataset_day_kind_and_detail(counted: Instance) -> None:
    day = today().isoformat()
    first, second = UsageCounter(counted.db), UsageCounter(counted.db)  # two server processes
    for _ in range(3):
        first.add(Ref("comptages"), Kind.VIEW, "informations")
    first.add(Ref("comptages"), Kind.DOWNLOAD, "csv")
    assert first.flush() == 2
    assert first.flush() == 0  # nothing pending
    second.add(Ref("comptages"), Kind.VIEW, "informations")
    dataset_id = reports.dataset_usage(counted, ADMIN, "comptages")["dataset"]["id"]
    # A CKAN client may name the dataset by a resource id, its id or its name: one counter.
    for ref in (resource_id(dataset_id, "csv"), dataset_id, "comptages"):
        second.add(Ref(ref, ckan=True), Kind.API, "ckan")
    second.add(Ref("disparu"), Kind.API, "v1")  # a dataset deleted since: dropped
    assert second.flush() == 2
    assert rows(counted) == [
        ("api", "ckan", day, 3),
        ("download", "csv", day, 1),
        ("view", "informations", day, 4),
    ]


def test_counters_hold_no_personal_data(counted: Instance) -> None:
    """Only the dataset, the day, what was used and how often: no address, agent or time."""
    columns = {
        c["name"]: c["type"] for c in sa.inspect(counted.db.engine).get_columns("usage_counts")
    }
    assert set(columns) == {"dataset_id", "day", "kind", "detail", "count"}
    assert isinstance(columns["day"], sa.Date)  # a day, not a time of visit


def test_counts_survive_a_failed_flush(counted: Instance) -> None:
    counter = UsageCounter(counted.db)
    counter.add(Ref("comptages"), Kind.DOWNLOAD, "parquet")
    UsageCount.__table__.drop(counted.db.engine)
    with pytest.raises(sa.exc.SQLAlchemyError):
        counter.flush()
    UsageCount.__table__.create(counted.db.engine)
    counter.add(Ref("comptages"), Kind.DOWNLOAD, "parquet")
    assert counter.flush() == 1
    assert rows(counted) == [("download", "parquet", today().isoformat(), 2)]


def test_the_periodic_flush_writes_what_is_left_when_stopped(counted: Instance) -> None:
    counter = UsageCounter(counted.db)
    flusher = PeriodicFlush(counter, seconds=3600)
    flusher.start()
    counter.add(Ref("comptages"), Kind.API, "ods")
    flusher.stop()
    assert rows(counted) == [("api", "ods", today().isoformat(), 1)]


def test_periods_default_to_twelve_months_and_refuse_reversed_dates() -> None:
    start, end = reports.period(None, today())
    assert start.day == 1 and (end.year - start.year) * 12 + end.month - start.month == 11
    with pytest.raises(InputError, match="après la date de fin"):
        reports.period(end, start)
