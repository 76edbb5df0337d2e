"""Loading the demo territory into an instance, through the same services as any user.

Each dataset is ingested twice (its two variants), so that version history and diffs show
from the start; the public lighting inventory's second variant arrives as the delivery of
the lighting contractor under its agreement (demo.partner). Then what the authority declares
about its data: its RGPD register, an anonymised aggregate of its personal dataset, its
algorithm register, a retention rule. Loading again
only adds what is missing: a no-op once everything is there.
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
from socle.demo.algorithms import load_algorithms
from socle.demo.anonymised import load_anonymised
from socle.demo.partner import DELIVERED, deliver_inventory, load_partner
from socle.demo.register import load_register
from socle.governance.policy import ADMIN
from socle.governance.retention.rules import RetentionRule
from socle.governance.retention.setting import set_rule
from socle.instance import Instance
from socle.storage.tables import Dataset, Organization, Version

VARIANTS = (1, 2)
# Kept ten years from the agreement's date, as the accounting documents they justify.
RETENTION = {"subventions-associations": RetentionRule(period="P10Y", date_column="dateConvention")}


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
    with tempfile.TemporaryDirectory(prefix="socle-demo-") as tmp, Progress(console=console) as bar:
        task = bar.add_task("Chargement du territoire de démonstration", total=len(todo) * 2 + 1)
        for variant in VARIANTS:
            for dataset in todo:
                if counts.get(dataset.slug, 0) < variant and not _delivered(dataset, variant):
                    _ingest(instance, org.slug, dataset, Path(tmp) / str(variant), variant)
                    bar.advance(task)
        declared = _declare(instance, org.slug)
        for dataset in todo:
            if _delivered(dataset, 2) and counts.get(dataset.slug, 0) < 2:
                deliver_inventory(instance, dataset, Path(tmp) / "livraison")
                bar.advance(task)
        bar.advance(task)
    if not todo and not declared:
        console.print("Territoire de démonstration déjà chargé.")
        return []
    added = ([f"{len(todo)} jeux de données"] if todo else []) + declared
    console.print(f"Territoire de démonstration chargé : {', '.join(added)}.")
    return [d.slug for d in todo]


def _delivered(dataset: DemoDataset, variant: int) -> bool:
    """Whether this variant comes as the partner's delivery rather than an ingest."""
    return dataset.slug == DELIVERED and variant == 2


def _declare(instance: Instance, org_slug: str) -> list[str]:
    """The governance the authority declares, what is missing of it; what was added."""
    added = []
    if load_partner(instance, org_slug):
        added.append("1 convention de partenariat")
    if activities := load_register(instance, org_slug):
        added.append(f"{activities} traitements au registre RGPD")
    if load_anonymised(instance):
        added.append("1 agrégat anonymisé")
    if algorithms := load_algorithms(instance, org_slug):
        added.append(f"{algorithms} algorithmes publiés")
    with instance.db.session() as session:
        unset = session.scalars(
            select(Dataset.slug).where(Dataset.slug.in_(RETENTION), Dataset.retention.is_(None))
        ).all()
    for slug in unset:
        set_rule(instance, ADMIN, slug, RETENTION[slug])
    if unset:
        added.append(f"{len(unset)} règle de conservation")
    return added


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
