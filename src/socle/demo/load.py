"""Loading the demo territory into an instance, through the same services as any user.

Each dataset is ingested twice (its two variants), so that version history and diffs show
from the start. Loading again is a no-op once every demo dataset has its two versions.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, select

from socle.core.organizations import create_organization
from socle.core.schemas import add_schema
from socle.core.versions import add_version
from socle.demo import DemoDataset, demo_datasets, demo_organization
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.storage.tables import Dataset, Organization, Version

VARIANTS = (1, 2)


def load_demo(instance: Instance, console: Console | None = None) -> list[str]:
    """Load what is missing of the demo; return the slugs that got new versions."""
    console = console or Console(quiet=True)
    org = demo_organization()
    datasets = demo_datasets()
    with instance.db.session() as session:
        has_org = session.scalar(select(Organization.id).where(Organization.slug == org.slug))
        counts = dict(
            session.execute(
                select(Dataset.slug, func.count(Version.id))
                .join(Version, Version.dataset_id == Dataset.id)
                .group_by(Dataset.slug)
            ).all()
        )
    if not has_org:
        create_organization(
            instance,
            org.slug,
            org.name,
            siren=org.siren,
            kind=org.kind,
            description=org.description,
            website=org.website,
        )
    todo = [d for d in datasets if counts.get(d.slug, 0) < len(VARIANTS)]
    if not todo:
        console.print("Territoire de démonstration déjà chargé.")
        return []
    with tempfile.TemporaryDirectory(prefix="socle-demo-") as tmp, Progress(console=console) as bar:
        task = bar.add_task("Chargement du territoire de démonstration", total=len(todo) * 2)
        for dataset in todo:
            for variant in VARIANTS[counts.get(dataset.slug, 0) :]:
                _ingest(instance, org.slug, dataset, Path(tmp) / str(variant), variant)
                bar.advance(task)
    console.print(f"Territoire de démonstration chargé : {len(todo)} jeux de données.")
    return [d.slug for d in todo]


def _ingest(
    instance: Instance, org_slug: str, dataset: DemoDataset, folder: Path, variant: int
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = dataset.generate(folder, variant)
    reference = None
    if dataset.schema is not None:
        record, _ = add_schema(instance, ADMIN, dataset.schema, "démonstration")
        reference = f"{record.name}@{record.version}"
    add_version(
        instance,
        ADMIN,
        path,
        dataset.slug,
        organization=org_slug,
        metadata=dataset.metadata(),
        schema=reference,
    )
