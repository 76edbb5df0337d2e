"""What an anonymised dataset's lineage says: the run behind its latest version.

``publishable_output`` is what the publication rule asks; ``latest_report`` is what the API
and the portal show to whoever may read the derived dataset — the source is named only to
those who may read it too, so the report never reveals a dataset the policy hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from socle.core.vocabularies import AccessLevel
from socle.errors import InputError, NotFoundError
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, decide, require
from socle.instance import Instance
from socle.storage.anonymisation import AnonymisationRun
from socle.storage.tables import Dataset, Version, as_utc


@dataclass(frozen=True)
class RunView:
    """One run as readers of the derived dataset see it."""

    created_at: datetime
    version: int
    source: str | None  # the source's slug, None when the reader may not see it
    source_version: int | None
    publishable: bool
    report: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "created_at": self.created_at.isoformat(),
            "version": self.version,
            "source": self.source,
            "source_version": self.source_version,
            "publishable": self.publishable,
            "report": self.report,
        }


def publishable_output(dataset: Dataset) -> bool:
    """Whether the dataset's latest version is the output of a run that met its thresholds."""
    session = object_session(dataset)
    if session is None:
        return False
    latest = session.scalar(
        select(Version.id)
        .where(Version.dataset_id == dataset.id)
        .order_by(Version.number.desc())
        .limit(1)
    )
    if latest is None:
        return False
    run = session.scalar(
        select(AnonymisationRun.publishable).where(AnonymisationRun.output_version_id == latest)
    )
    return bool(run)


def guard_public_output(dataset: Dataset) -> None:
    """Refuse a new version of a public personal-data dataset unless it is itself the output
    of an anonymisation that met its thresholds (an ingest, a rollback or a cleaning cannot
    replace anonymised rows). Called as each version commits, after its lineage is added."""
    if (
        dataset.personal_data
        and dataset.access == AccessLevel.PUBLIC
        and not publishable_output(dataset)
    ):
        raise InputError(
            f"« {dataset.slug} » est public et contient des données personnelles : seule une "
            "anonymisation qui atteint ses seuils peut lui ajouter une version "
            "(socle anonymise, voir docs/anonymisation.md)"
        )


def latest_report(instance: Instance, principal: Principal, slug: str) -> RunView | None:
    """The run behind the dataset's latest anonymised version, or None if it has none."""
    with instance.db.session() as session:
        dataset = _dataset(session, slug)
        require(
            principal, Action.READ, dataset, audit=AuditEvent(instance.db, "read/anonymisation")
        )
        found = session.execute(
            select(AnonymisationRun, Version.number)
            .join(Version, Version.id == AnonymisationRun.output_version_id)
            .where(AnonymisationRun.output_dataset_id == dataset.id)
            .order_by(Version.number.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        run, number = found
        source = session.get(Dataset, run.source_dataset_id) if run.source_dataset_id else None
        visible = source is not None and decide(principal, Action.READ, source).allowed
        report = {k: v for k, v in run.report.items() if k != "source_version"}
        return RunView(
            created_at=as_utc(run.created_at),
            version=number,
            source=source.slug if visible and source else None,
            source_version=run.source_version if visible else None,
            publishable=run.publishable,
            report=report,
        )


def _dataset(session: Session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFoundError(f"Jeu de données « {slug} » introuvable")
    return dataset
