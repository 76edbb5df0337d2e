"""Counting without slowing requests: in-memory totals, added to the database in batches.

A request costs one dictionary increment under a lock. :meth:`UsageCounter.flush` (every
``SOCLE_USAGE_FLUSH_SECONDS`` and at shutdown) resolves the slugs and resource ids it was
given to stable dataset ids — a rename keeps the history — and adds the totals to
``usage_counts`` with one upsert, so several processes can count into the same table.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from socle.core.ckan.datastore import designated
from socle.storage.db import Database
from socle.storage.tables import Dataset, UsageCount

log = logging.getLogger("socle.usage")
# Days are the territory's days: a visit at 00:30 in Paris counts for that date.
TIMEZONE = ZoneInfo("Europe/Paris")


class Kind(StrEnum):
    VIEW = "view"  # a page of the dataset on the portal; detail: the tab
    DOWNLOAD = "download"  # an export; detail: its format
    API = "api"  # a records call; detail: which API (v1, ods, ckan, ogc)


@dataclass(frozen=True)
class Ref:
    """How a request named its dataset: by slug, or by a CKAN reference (resource id too)."""

    value: str
    ckan: bool = False


Key = tuple[Ref, date, Kind, str]


def today() -> date:
    return datetime.now(TIMEZONE).date()


class UsageCounter:
    """Per-process totals waiting to be written to ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: Counter[Key] = Counter()
        self._lock = threading.Lock()

    def add(self, ref: Ref, kind: Kind, detail: str = "") -> None:
        key = (ref, today(), kind, detail)
        with self._lock:
            self._pending[key] += 1

    def flush(self) -> int:
        """Write the pending totals; return how many counters were written.

        If the database cannot be written, the totals are kept for the next flush.
        """
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return 0
        try:
            with self.db.engine.begin() as connection:
                rows = _resolved(connection, pending)
                if rows:
                    _add_counts(connection, rows)
        except Exception:
            with self._lock:
                self._pending.update(pending)
            raise
        return len(rows)


def _resolved(connection: Connection, pending: Counter[Key]) -> list[dict[str, object]]:
    """Totals by stable dataset id; references to datasets gone since are dropped."""
    slugs = {ref.value for ref, *_ in pending if not ref.ckan}
    datasets = connection.execute(
        select(Dataset.id, Dataset.slug).where(Dataset.slug.in_(slugs))
    ).all()
    ids = {slug: dataset_id for dataset_id, slug in datasets}
    if any(ref.ckan for ref, *_ in pending):
        everyone = [(r.id, r.slug) for r in connection.execute(select(Dataset.id, Dataset.slug))]
        for ref, *_ in pending:
            found = designated(ref.value, everyone) if ref.ckan else None
            if found is not None:
                ids[ref.value] = found[0]
    totals: Counter[tuple[str, date, str, str]] = Counter()
    for (ref, day, kind, detail), count in pending.items():
        if ref.value in ids:
            totals[(ids[ref.value], day, kind.value, detail)] += count
    return [
        {"dataset_id": dataset_id, "day": day, "kind": kind, "detail": detail, "count": count}
        for (dataset_id, day, kind, detail), count in totals.items()
    ]


def _add_counts(connection: Connection, rows: list[dict[str, object]]) -> None:
    """INSERT … ON CONFLICT DO UPDATE count = count + new, in the database's own dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = UsageCount.__table__
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key],
        set_={"count": table.c["count"] + statement.excluded["count"]},
    )
    connection.execute(statement, rows)


class PeriodicFlush:
    """A daemon thread flushing ``counter`` every ``seconds``, and once more when stopped."""

    def __init__(self, counter: UsageCounter, seconds: float) -> None:
        self.counter = counter
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="socle-usage-flush", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._flush()

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            self._flush()

    def _flush(self) -> None:
        try:
            self.counter.flush()
        except Exception:  # kept in memory; the next flush retries
            log.warning(
                "statistiques d'usage non enregistrées, nouvel essai plus tard", exc_info=True
            )
