"""What retention would remove from a dataset at a given moment: the plan, never the act.

Row-level rule: rows whose date is before ``at − period`` are expired; the latest version is
rewritten without them and every older version still holding any is purged. Version-level
rule: versions created before ``at − period`` are purged, the latest always kept. Rows
without a date never expire (nothing says how old they are). Counting is one DuckDB scan per
version, on the Parquet files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socle.core.versions import data_paths
from socle.errors import InputError
from socle.governance.retention.durations import Period
from socle.governance.retention.rules import Rule
from socle.instance import Instance
from socle.sql import identifier, literal, parquet_source
from socle.storage.tables import Dataset, Version, as_utc

DATE_TYPES = {"DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"}
ZONED_TYPE = "TIMESTAMP WITH TIME ZONE"
ROWS = "expired_rows"
WHOLE = "expired_version"


@dataclass(frozen=True)
class Expiry:
    """An older version to purge: ``rows_expired`` of its rows are past the cutoff (all of
    them for a version-level rule)."""

    number: int
    version_id: str
    lake_key: str
    rows_expired: int
    reason: str


@dataclass(frozen=True)
class DatasetPlan:
    dataset_id: str
    slug: str
    title: str
    organization_id: str | None
    period: Period
    date_column: str | None
    cutoff: datetime
    latest: int | None  # the latest version's number
    rows_expired: int  # rows of the latest version past the cutoff
    rows_total: int  # rows of the latest version
    expiries: tuple[Expiry, ...]  # older versions to purge
    # When the oldest row or version not expired yet will expire (None: nothing left to
    # expire); what has already expired goes at the next run.
    next_expiry: datetime | None
    problem: str | None = None  # why nothing can be done (e.g. the column is gone)

    @property
    def has_work(self) -> bool:
        return self.problem is None and (self.rows_expired > 0 or bool(self.expiries))


@dataclass(frozen=True)
class Scan:
    """One version's dates as retention sees them."""

    expired: int
    oldest: datetime | None  # the oldest date in the column, as a UTC instant


def governed_datasets(
    session: Session, *, slugs: list[str] | None = None, organization_id: str | None = None
) -> list[Dataset]:
    """Datasets with a retention rule, with their versions loaded, by slug."""
    query = (
        select(Dataset)
        .options(selectinload(Dataset.versions))
        .where(Dataset.retention.is_not(None))
        .order_by(Dataset.slug)
    )
    if slugs:
        query = query.where(Dataset.slug.in_(slugs))
    if organization_id is not None:
        query = query.where(Dataset.organization_id == organization_id)
    return [d for d in session.scalars(query) if Rule.of(d.retention) is not None]


def plan_dataset(instance: Instance, dataset: Dataset, at: datetime) -> DatasetPlan:
    """What retention would do to ``dataset`` if run at ``at`` (an aware instant)."""
    rule = Rule.of(dataset.retention)
    if rule is None:
        raise InputError(f"Le jeu de données « {dataset.slug} » n'a pas de durée de conservation")
    cutoff = rule.period.before(at)
    live = [v for v in dataset.versions if v.purged_at is None]
    latest = live[-1] if live else None
    older = live[:-1]
    base: dict[str, Any] = {
        "dataset_id": dataset.id,
        "slug": dataset.slug,
        "title": dataset.title,
        "organization_id": dataset.organization_id,
        "period": rule.period,
        "date_column": rule.date_column,
        "cutoff": cutoff,
        "latest": latest.number if latest else None,
        "rows_total": latest.row_count if latest else 0,
    }
    if latest is None:
        return DatasetPlan(**base, rows_expired=0, expiries=(), next_expiry=None)
    if rule.date_column is None:
        expired = tuple(
            Expiry(v.number, v.id, v.lake_key, v.row_count, WHOLE)
            for v in older
            if as_utc(v.created_at) < cutoff
        )
        kept = [as_utc(v.created_at) for v in older if as_utc(v.created_at) >= cutoff]
        next_expiry = rule.period.after(min(kept)) if kept else None
        return DatasetPlan(**base, rows_expired=0, expiries=expired, next_expiry=next_expiry)
    column = rule.date_column
    try:
        latest_scan = scan(instance, latest, column, cutoff)
    except InputError as exc:
        return DatasetPlan(
            **base, rows_expired=0, expiries=(), next_expiry=None, problem=exc.message
        )
    expiries = []
    oldest = [latest_scan.oldest]
    for version in older:
        try:
            found = scan(instance, version, column, cutoff)
        except InputError:
            # The column did not exist yet: the version's age decides, as without a column.
            if as_utc(version.created_at) < cutoff:
                expiries.append(
                    Expiry(version.number, version.id, version.lake_key, version.row_count, WHOLE)
                )
            else:
                oldest.append(as_utc(version.created_at))
            continue
        if found.expired:
            expiries.append(
                Expiry(version.number, version.id, version.lake_key, found.expired, ROWS)
            )
        oldest.append(found.oldest)
    # Rows already expired go at the next run; otherwise the oldest row sets the date.
    dates = [d for d in oldest if d is not None and d >= cutoff]
    next_expiry = rule.period.after(min(dates)) if dates else None
    return DatasetPlan(
        **base,
        rows_expired=latest_scan.expired,
        expiries=tuple(expiries),
        next_expiry=next_expiry,
    )


def scan(instance: Instance, version: Version, column: str, cutoff: datetime) -> Scan:
    """How many rows of ``version`` are dated before ``cutoff`` in ``column``; its oldest date."""
    source, bound = _dated_source(instance, version, column, cutoff)
    name = identifier(column)
    with connection(instance) as con:
        expired, oldest = con.execute(
            f"SELECT count(*) FILTER (WHERE {name} < ?), min({name}) FROM {source}",  # noqa: S608
            [bound],
        ).fetchall()[0]
    return Scan(expired, _instant(oldest))


def kept_rows(
    instance: Instance, version: Version, column: str, cutoff: datetime
) -> tuple[str, list[Any]]:
    """The query of the rows retention keeps (undated ones included), with its parameters."""
    source, bound = _dated_source(instance, version, column, cutoff)
    return (
        f"SELECT * FROM {source} WHERE NOT coalesce({identifier(column)} < ?, false)",  # noqa: S608
        [bound],
    )


@contextmanager
def connection(instance: Instance) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection for retention's reads: UTC, bounded memory."""
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET memory_limit = {literal(instance.settings.ingest_memory_limit)}")
        yield con
    finally:
        con.close()


def _dated_source(
    instance: Instance, version: Version, column: str, cutoff: datetime
) -> tuple[str, datetime]:
    """The version's files as a SQL source, and the cutoff bound to the column's type."""
    names = [f["name"] for f in version.table_schema.get("fields", [])]
    if column not in names:
        raise InputError(
            f"La colonne de date « {column} » n'existe pas dans la version {version.number}"
        )
    source = parquet_source(data_paths(instance, version))
    with connection(instance) as con:
        kind = con.execute(
            f"DESCRIBE SELECT {identifier(column)} FROM {source}"  # noqa: S608
        ).fetchall()[0][1]
    return source, _bound(str(kind), column, cutoff)


def _bound(kind: str, column: str, cutoff: datetime) -> datetime:
    """The cutoff as a value comparable with the column: dates and plain timestamps are taken
    as UTC (a date is its midnight), zoned timestamps compare as instants."""
    if kind == ZONED_TYPE:
        return cutoff
    if kind in DATE_TYPES:
        return cutoff.astimezone(UTC).replace(tzinfo=None)
    raise InputError(
        f"La colonne « {column} » est de type {kind} : une date ou un horodatage est attendu "
        "pour la conservation ligne à ligne"
    )


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def file_bytes(folder: Path) -> int:
    """Bytes of every file under ``folder`` (what deleting it frees)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
