"""Quality of every version: assessed as it lands, stored beside it, read through the policy.

As a version is staged, Socle validates it against the schema its dataset pins (or, when
none is pinned, compares its inferred schema with the previous version's: schema drift),
profiles its columns and measures what the score needs. The validation report and the
profile are files of the version (``quality/report.json``, ``quality/profile.json``), so
they travel with it in the lake; a summary with the score at landing goes into the
versions table, which keeps the score's history.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from socle.engine.diff import schema_changes
from socle.errors import NotFoundError
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, require
from socle.ingest.base import ReadOptions
from socle.instance import Instance
from socle.quality.profile import profile_parquet
from socle.quality.schema import TableSchema
from socle.quality.score import DataFacts, MetadataFacts, score
from socle.quality.validate import ReferenceResolver, validate_file
from socle.sql import identifier, parquet_source
from socle.storage.tables import Dataset, RegisteredSchema, Version, as_utc

# Formats whose raw file is validated as written (exact cells and row numbers); others are
# validated on the values their reader produced.
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
REPORT_FILE = "quality/report.json"
PROFILE_FILE = "quality/profile.json"


def assess(
    staging: Path,
    raw: Path | None,
    data: Path,
    inferred: dict[str, Any],
    *,
    declared: tuple[RegisteredSchema, TableSchema] | None,
    previous: Version | None,
    primary_key: list[str],
    options: ReadOptions,
    references: ReferenceResolver | None,
) -> dict[str, Any]:
    """Validate, profile and measure a staged version; write its files; return its summary.

    ``raw`` is the file as received when it holds the table, validated as written.
    """
    (staging / REPORT_FILE).parent.mkdir(exist_ok=True)
    summary: dict[str, Any] = {"schema": None, "valid": None, "errors": None, "drift": None}
    if declared is not None:
        record, schema = declared
        source = raw if raw is not None and raw.suffix.lower() in TEXT_SUFFIXES else data
        report = validate_file(
            source,
            schema,
            work_dir=staging,
            options=options,
            references=references,
            schema_name=f"{record.name}@{record.version}",
        ).to_dict()
        _write(staging / REPORT_FILE, report)
        summary |= {
            "schema": {"name": record.name, "version": record.version, "url": record.url},
            "valid": report["valid"],
            "errors": report["stats"]["errors"],
            "errorCounts": report["socle"]["counts"],
        }
    elif previous is not None:
        summary["drift"] = schema_changes(previous.table_schema, inferred).as_dict()
    profile = profile_parquet(data, inferred, memory_limit=options.memory_limit)
    _write(staging / PROFILE_FILE, profile)
    key = primary_key or (list(declared[1].primary_key) if declared else [])
    summary["facts"] = asdict(_facts(data, inferred, profile, declared, key, summary["errors"]))
    return summary


def finish(summary: dict[str, Any], dataset: Dataset, landed: datetime) -> dict[str, Any]:
    """The summary with the score at landing, once the dataset's metadata is known."""
    if "facts" not in summary:
        return summary
    return {
        **summary,
        "score": score(_data_facts(summary), metadata_facts(dataset), landed, landed),
    }


def quality_view(
    instance: Instance, principal: Principal, slug: str, number: int | None = None
) -> dict[str, Any]:
    """Report, profile, current score and score history of a readable version."""
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        event = AuditEvent(instance.db, "read/quality", version=number)
        decision = require(principal, Action.READ, dataset, audit=event)
        history = list(
            session.scalars(
                select(Version).where(Version.dataset_id == dataset.id).order_by(Version.number)
            )
        )
    if not history:
        raise NotFoundError(f"Le jeu de données « {slug} » n'a aucune version")
    chosen = (
        history[-1] if number is None else next((v for v in history if v.number == number), None)
    )
    if chosen is None:
        raise NotFoundError(f"Le jeu de données « {slug} » n'a pas de version {number}")
    from socle.core.versions import check_not_purged

    check_not_purged(chosen, slug)
    folder = instance.lake.path(chosen.lake_key)
    report, profile = _read(folder / REPORT_FILE), _read(folder / PROFILE_FILE)
    if decision.columns is not None or decision.rows is not None:
        report, profile = _restricted(report, profile, decision.columns, decision.rows)
    summary = chosen.quality or {}
    return {
        "dataset": slug,
        "version": chosen.number,
        "schema": summary.get("schema"),
        "valid": summary.get("valid"),
        "errors": summary.get("errors"),
        "drift": summary.get("drift"),
        "lineage": (chosen.details or {}).get("lineage"),
        "score": current_score(dataset, chosen),
        "history": [
            {
                "version": v.number,
                "created_at": v.created_at.isoformat(),
                "score": (v.quality.get("score") or {}).get("score"),
                "errors": v.quality.get("errors"),
            }
            for v in history
        ],
        "report": report,
        "profile": profile,
    }


def current_score(dataset: Dataset, version: Version) -> dict[str, Any] | None:
    """The score today: the version's measured facts, today's metadata and age."""
    if "facts" not in (version.quality or {}):
        return None
    return score(
        _data_facts(version.quality),
        metadata_facts(dataset),
        as_utc(version.created_at),
        datetime.now(UTC),
    )


def metadata_facts(dataset: Dataset) -> MetadataFacts:
    return MetadataFacts(
        slug=dataset.slug,
        title=dataset.title,
        description=dataset.description or "",
        licence=dataset.licence,
        contact=bool(dataset.contact_email or dataset.contact_name),
        frequency=dataset.frequency,
        spatial=bool(dataset.spatial),
        temporal=bool(dataset.temporal_start or dataset.temporal_end),
    )


def resolver(instance: Instance, principal: Principal) -> ReferenceResolver:
    """Foreign keys name catalog datasets; only those ``principal`` may read resolve."""
    from socle.core.versions import data_paths, get_version

    def resolve(slug: str) -> str | None:
        try:
            version = get_version(instance, principal, slug)
        except NotFoundError:
            return None
        return parquet_source(data_paths(instance, version))

    return resolve


def _facts(
    data: Path,
    inferred: dict[str, Any],
    profile: dict[str, Any],
    declared: tuple[RegisteredSchema, TableSchema] | None,
    key: list[str],
    schema_errors: int | None,
) -> DataFacts:
    rows = int(profile["rows"])
    nulls = {f["name"]: int(f["nulls"]) for f in profile["fields"]}
    if declared is not None:
        considered = [f.name for f in declared[1].fields if f.required and f.name in nulls]
    else:
        considered = list(nulls)
    names = {f["name"] for f in inferred.get("fields", [])}
    usable_key = [k for k in key if k in names]
    with duckdb.connect() as con:
        source = parquet_source([data])
        distinct_rows = con.sql(f"SELECT count(*) FROM (SELECT DISTINCT * FROM {source})")  # noqa: S608
        duplicate_rows = rows - int(distinct_rows.fetchall()[0][0])
        duplicate_keys = None
        if usable_key:
            columns = ", ".join(identifier(k) for k in usable_key)
            distinct_keys = con.sql(f"SELECT count(DISTINCT ({columns})) FROM {source}")  # noqa: S608
            duplicate_keys = rows - int(distinct_keys.fetchall()[0][0])
    return DataFacts(
        rows=rows,
        schema_errors=schema_errors,
        required_cells=rows * len(considered),
        missing_required_cells=sum(nulls[n] for n in considered),
        duplicate_rows=duplicate_rows,
        duplicate_keys=duplicate_keys,
    )


def _data_facts(summary: dict[str, Any]) -> DataFacts:
    return DataFacts(**summary["facts"])


def _restricted(
    report: dict[str, Any] | None,
    profile: dict[str, Any] | None,
    columns: frozenset[str] | None,
    rows: str | None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Hide what the caller may not read: other columns; under a row filter, row examples and
    the profile's statistics."""
    if report is not None:
        report = json.loads(json.dumps(report))
        for task in report["tasks"]:
            kept = task["errors"]
            if columns is not None:
                kept = [e for e in kept if not e.get("fieldName") or e["fieldName"] in columns]
            if rows is not None:
                kept = []
            task["errors"] = kept
    if profile is not None and columns is not None:
        profile = {**profile, "fields": [f for f in profile["fields"] if f["name"] in columns]}
    if rows is not None:
        profile = None  # statistics of every row (extremes, frequent values) show hidden rows
    return report, profile


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")


def _read(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
