"""Running retention: a new version without the expired rows, then the expired files deleted.

Per dataset, in this order: (1) the latest version's expired rows are dropped by writing a
new version without them (core.versions, so its quality report and profile are made like any
other); (2) every older version still holding expired rows — or, without a date column, every
version older than the period — becomes a tombstone (``Version.purged_at`` and a
``VersionPurge`` row) in the same transaction as its audit entry; (3) its folder (data, raw
input, quality files, derived exports and features) is deleted from the lake and checked gone.
A folder that could not be deleted is deleted at the next run.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from socle.core.versions import filtered_version
from socle.errors import NotFoundError, SocleError, UnavailableError
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, require
from socle.governance.retention.plan import (
    ROWS,
    DatasetPlan,
    Expiry,
    file_bytes,
    governed_datasets,
    kept_rows,
    plan_dataset,
)
from socle.instance import Instance
from socle.storage.retention import VersionPurge
from socle.storage.tables import Dataset, Version, utcnow

NOTE_FILE = "conservation.json"


@dataclass(frozen=True)
class Outcome:
    """What retention did (or, in a dry run, would do) to one dataset."""

    plan: DatasetPlan
    dry_run: bool
    new_version: int | None = None  # the version written without the expired rows
    rows_removed: int = 0  # expired rows dropped from the latest version
    versions_purged: tuple[int, ...] = ()
    bytes_freed: int = 0
    error: str | None = None


def run(
    instance: Instance,
    principal: Principal,
    *,
    dry_run: bool = False,
    slugs: list[str] | None = None,
    at: datetime | None = None,
) -> list[Outcome]:
    """Apply every dataset's retention rule (those of ``slugs`` only, when given) as of ``at``
    (now by default). A dataset that fails is reported and the others go on."""
    at = at or utcnow()
    with instance.db.session() as session:
        datasets = governed_datasets(session, slugs=slugs)
        if slugs:
            missing = sorted(set(slugs) - {d.slug for d in datasets})
            if missing:
                raise NotFoundError(
                    f"Pas de durée de conservation pour : {', '.join(missing)} "
                    "(ou jeu de données introuvable)"
                )
        for dataset in datasets:
            require(principal, Action.WRITE, dataset)
    if not dry_run:
        _delete_leftovers(instance, [d.id for d in datasets])
    outcomes = []
    for dataset in datasets:
        plan = plan_dataset(instance, dataset, at)
        if plan.problem is not None:
            outcomes.append(Outcome(plan, dry_run, error=plan.problem))
        elif dry_run or not plan.has_work:
            outcomes.append(_foreseen(instance, plan, dataset, dry_run))
        else:
            try:
                outcomes.append(_apply(instance, principal, dataset, plan))
            except SocleError as exc:
                outcomes.append(Outcome(plan, dry_run, error=exc.message))
    return outcomes


def _foreseen(instance: Instance, plan: DatasetPlan, dataset: Dataset, dry_run: bool) -> Outcome:
    """What a run would do, measured without touching anything."""
    expiries = _expiries(plan, dataset)
    return Outcome(
        plan,
        dry_run,
        new_version=plan.latest + 1 if plan.latest and plan.rows_expired else None,
        rows_removed=plan.rows_expired,
        versions_purged=tuple(e.number for e in expiries),
        bytes_freed=sum(file_bytes(instance.lake.path(e.lake_key)) for e in expiries),
    )


def _apply(
    instance: Instance, principal: Principal, dataset: Dataset, plan: DatasetPlan
) -> Outcome:
    new_number = None
    if plan.rows_expired:
        new_number = _rewrite_latest(instance, principal, dataset, plan).number
    expiries = _expiries(plan, dataset)
    sizes = {e.number: file_bytes(instance.lake.path(e.lake_key)) for e in expiries}
    details = _details(plan, new_number, expiries, sum(sizes.values()))
    now = utcnow()
    with instance.db.session() as session:
        current = session.get_one(Dataset, dataset.id)
        require(
            principal,
            Action.WRITE,
            current,
            audit=AuditEvent(instance.db, "write/purge", details=details),
        )
        for expiry in expiries:
            version = session.get_one(Version, expiry.version_id)
            version.purged_at = now
            session.add(
                VersionPurge(
                    version_id=version.id,
                    dataset_id=dataset.id,
                    purged_at=now,
                    purged_by=principal.name,
                    reason=expiry.reason,
                    period=plan.period.text,
                    cutoff=plan.cutoff,
                    rows_expired=expiry.rows_expired,
                    bytes_freed=sizes[expiry.number],
                    replaced_by=new_number if expiry.reason == ROWS else None,
                )
            )
    for expiry in expiries:
        _delete(instance, expiry.lake_key)
    return Outcome(
        plan,
        False,
        new_version=new_number,
        rows_removed=plan.rows_expired,
        versions_purged=tuple(e.number for e in expiries),
        bytes_freed=sum(sizes.values()),
    )


def _rewrite_latest(
    instance: Instance, principal: Principal, dataset: Dataset, plan: DatasetPlan
) -> Version:
    """The latest version again, without its expired rows."""
    latest = next(v for v in dataset.versions if v.number == plan.latest)
    assert plan.date_column is not None  # rows expire under a row-level rule only
    what = {
        "period": plan.period.text,
        "date_column": plan.date_column,
        "cutoff": plan.cutoff.isoformat(),
        "rows_removed": plan.rows_expired,
    }
    with tempfile.TemporaryDirectory(prefix="socle-retention-") as folder:
        note = Path(folder) / NOTE_FILE
        note.write_text(
            json.dumps({"retention": {**what, "source_version": latest.number}}, indent=2),
            encoding="utf-8",
        )
        return filtered_version(
            instance,
            principal,
            dataset.slug,
            latest,
            kept_rows(instance, latest, plan.date_column, plan.cutoff),
            note,
            method="retention",
            lineage={"retention": what},
        )


def _expiries(plan: DatasetPlan, dataset: Dataset) -> list[Expiry]:
    """The versions a run purges: the older ones of the plan, and the latest when its expired
    rows are rewritten into a new version."""
    expiries = list(plan.expiries)
    if plan.rows_expired:
        latest = next(v for v in dataset.versions if v.number == plan.latest)
        expiries.append(Expiry(latest.number, latest.id, latest.lake_key, plan.rows_expired, ROWS))
    return expiries


def _details(
    plan: DatasetPlan, new_version: int | None, expiries: list[Expiry], freed: int
) -> dict[str, Any]:
    """What the audit log says of a purge."""
    return {
        "period": plan.period.text,
        "date_column": plan.date_column,
        "cutoff": plan.cutoff.isoformat(),
        "rows_removed": plan.rows_expired,
        "new_version": new_version,
        "versions_purged": [e.number for e in expiries],
        "bytes_freed": freed,
    }


def _delete(instance: Instance, lake_key: str) -> None:
    """Delete a version's folder and check it is gone: the data must leave the disk."""
    instance.lake.remove(lake_key)
    if instance.lake.path(lake_key).exists():
        raise UnavailableError(
            f"Les fichiers de {lake_key} n'ont pas pu être supprimés ; nouvel essai à la "
            "prochaine exécution"
        )


def _delete_leftovers(instance: Instance, dataset_ids: list[str]) -> None:
    """Folders of purged versions a previous run could not delete."""
    with instance.db.session() as session:
        keys = session.scalars(
            select(Version.lake_key).where(
                Version.dataset_id.in_(dataset_ids), Version.purged_at.is_not(None)
            )
        ).all()
    for key in keys:
        if instance.lake.path(key).exists():
            _delete(instance, key)
