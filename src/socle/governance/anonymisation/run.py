"""Running a recipe: read a personal dataset through the policy, write a new dataset.

The source is read with the policy's ``read/anonymise`` action (audited, so is a dry run);
the output is a version of another dataset, created in the source's organization if needed,
committed with its lineage record (storage.anonymisation) in one transaction. A run whose
thresholds are not met still writes its output, marked not publishable: the publication
rule then refuses ``public`` for it (governance.publication).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from socle.core import versions
from socle.core.metadata import parse_metadata
from socle.errors import InputError, NotFoundError
from socle.governance.anonymisation import recipe as r
from socle.governance.anonymisation.communes import Outlines, load_outlines
from socle.governance.anonymisation.key import load_key
from socle.governance.anonymisation.transform import Outcome, anonymise
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, require
from socle.governance.publication import check_publication
from socle.governance.register.activities import inherit_processing_activities
from socle.instance import Instance
from socle.storage.anonymisation import AnonymisationRun
from socle.storage.tables import Dataset, Organization, Version, new_id


@dataclass(frozen=True)
class RunResult:
    """The run's report; ``version`` is the output's new version (None for a dry run)."""

    report: dict[str, Any]
    version: Version | None


@dataclass(frozen=True)
class _Source:
    id: str
    title: str
    personal_data: bool
    organization: str | None
    output_exists: bool


def run_recipe(
    instance: Instance, principal: Principal, path: Path, *, dry_run: bool = False
) -> RunResult:
    """Run the recipe of ``path``; with ``dry_run``, measure only and write nothing."""
    recipe = r.parse_recipe(_read(path))
    source = _source(instance, principal, recipe, path, dry_run)
    version = versions.get_version(
        instance, principal, recipe.source.dataset, recipe.source.version
    )
    needs_key = any(isinstance(s, r.Pseudonymise) for s in recipe.steps)
    pads = load_key(instance.settings) if needs_key else None
    outlines: dict[int, Outlines] = {
        number: load_outlines(instance, principal, step.communes)
        for number, step in enumerate(recipe.steps, start=1)
        if isinstance(step, r.GeneraliseCoordinates) and step.communes and step.to == "commune"
    }

    def run(target: Path | None, work_dir: Path) -> Outcome:
        return anonymise(
            versions.data_paths(instance, version),
            version.table_schema,
            recipe,
            target,
            pads=pads,
            outlines=outlines,
            memory_limit=instance.settings.ingest_memory_limit,
            work_dir=work_dir,
        )

    if dry_run:
        work = instance.lake.new_staging()
        try:
            outcome = run(None, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return RunResult(_report(outcome, recipe, version, dry_run=True), None)

    run_id = new_id()
    reports: list[dict[str, Any]] = []

    def derive(target: Path) -> versions.Derived:
        outcome = run(target, target.parent)
        reports.append(_report(outcome, recipe, version, dry_run=False))
        lineage = {"anonymisation_run": run_id, "publishable": reports[0]["publishable"]}
        return versions.Derived(outcome.row_count, {"fields": outcome.fields}, {"lineage": lineage})

    def record(session: Session, dataset: Dataset, created: Version) -> None:
        report = reports[0]
        session.flush()  # the version first: the record refers to it
        session.add(
            AnonymisationRun(
                id=run_id,
                created_by=principal.name,
                source_dataset_id=source.id,
                source_version=version.number,
                output_dataset_id=dataset.id,
                output_version_id=created.id,
                recipe=recipe.model_dump(mode="json"),
                report=report,
                publishable=report["publishable"],
            )
        )
        session.flush()
        inherit_processing_activities(session, source.id, dataset.id)
        if dataset.access != recipe.output.access:
            dataset.access = recipe.output.access
            change = AuditEvent(instance.db, "write/metadata", details={"access": dataset.access})
            require(principal, Action.WRITE, dataset, audit=change)
        try:
            check_publication(dataset)
        except InputError as exc:
            why = "; ".join(report["reasons"])
            raise InputError(f"{exc.message}. Seuils non atteints : {why}") from None

    title = recipe.output.title or (None if source.output_exists else f"{source.title} (anonymisé)")
    # A new output starts restricted: it opens to the recipe's level in ``record``, once its
    # lineage and its source's register links are there for the publication rule to see.
    metadata = parse_metadata(
        title=title,
        description=recipe.output.description,
        personal_data=source.personal_data,
        access=None if source.output_exists else "restricted",
    )
    created = versions.add_derived_version(
        instance,
        principal,
        recipe.output.dataset,
        path,
        derive,
        method="anonymise",
        organization=None if source.output_exists else source.organization,
        metadata=metadata,
        on_commit=record,
    )
    return RunResult(reports[0], created)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Recette illisible : {path.name} ({exc})") from None


def _source(
    instance: Instance, principal: Principal, recipe: r.Recipe, path: Path, dry_run: bool
) -> _Source:
    """The source dataset, read through the policy (logged, as is its refusal)."""
    audit = AuditEvent(
        instance.db,
        "read/anonymise",
        version=recipe.source.version,
        details={"recipe": path.name, "output": recipe.output.dataset, "dry_run": dry_run},
    )
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == recipe.source.dataset))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {recipe.source.dataset} » introuvable")
        decision = require(principal, Action.READ, dataset, audit=audit)
        if decision.columns is not None or decision.rows is not None:
            raise InputError(
                f"« {dataset.slug} » ne vous est ouvert qu'en partie (colonnes ou lignes) : "
                "l'anonymisation lit le jeu entier"
            )
        organization = (
            session.scalar(
                select(Organization.slug).where(Organization.id == dataset.organization_id)
            )
            if dataset.organization_id
            else None
        )
        exists = session.scalar(select(Dataset.id).where(Dataset.slug == recipe.output.dataset))
        return _Source(dataset.id, dataset.title, dataset.personal_data, organization, bool(exists))


def _report(
    outcome: Outcome, recipe: r.Recipe, version: Version, *, dry_run: bool
) -> dict[str, Any]:
    """The run's report with its verdict: publishable, or the reasons it is not."""
    report = dict(outcome.report)
    report["source_version"] = version.number
    report["dry_run"] = dry_run
    reasons = _reasons(report, recipe)
    report["publishable"] = not reasons
    report["reasons"] = reasons
    return report


def _reasons(report: dict[str, Any], recipe: r.Recipe) -> list[str]:
    """Why the output may not be published (French), empty when every threshold is met."""
    reasons = []
    if recipe.k_anonymity is None and recipe.aggregate is None:
        reasons.append("aucune protection déclarée (ni k_anonymity, ni aggregate)")
    k = report.get("k_anonymity")
    if k and not k["met"]:
        reasons.append(
            f"k-anonymat non atteint : k = {k['k_achieved']} au lieu de {k['k']} (il aurait "
            f"fallu supprimer {k['suppressed_share']:.1%} des lignes, plus que max_suppression "
            f"{k['max_suppression']:.1%})"
        )
    diversity = report.get("l_diversity")
    if diversity and not diversity["met"]:
        reasons.append(
            f"ℓ-diversité insuffisante : ℓ minimal {diversity['l_min']} au lieu de {diversity['l']}"
        )
    cells = report.get("aggregate")
    if cells and not cells["met"]:
        reasons.append(f"secret statistique : des cellules comptent moins de {cells['threshold']}")
    if report["pseudonymised_columns"]:
        reasons.append(
            "colonnes pseudonymisées conservées ("
            + ", ".join(report["pseudonymised_columns"])
            + ") : des données pseudonymisées restent des données personnelles"
        )
    return reasons
