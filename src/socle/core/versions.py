"""Dataset versions: immutable, committed atomically, listed, read and rolled back.

Writing a version: copy the raw input byte for byte and convert it to Parquet in a private
staging folder, publish the folder under its key in one rename, then record the version in
one metadata transaction (creating the dataset on first use). If anything fails or the
process is killed, the previous version stays the latest and the leftovers are swept at the
next start (see storage.lake).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from socle.core import quality
from socle.core.catalog import apply_metadata
from socle.core.metadata import DatasetMetadata, check_slug
from socle.core.schemas import SchemaRef, find_schema, table_schema
from socle.core.vocabularies import AccessLevel
from socle.errors import ConflictError, GoneError, InputError, NotFoundError, UnreadableFileError
from socle.governance.anonymisation.lineage import guard_public_output
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, require
from socle.ingest import read_file
from socle.ingest._duckdb import session as duckdb_session
from socle.ingest.base import ProgressCallback, ReadOptions
from socle.ingest.limits import UnpackLimits, check_input_size
from socle.instance import Instance
from socle.quality.cleaning import clean_parquet, parse_steps
from socle.quality.schema import TableSchema
from socle.sql import literal
from socle.storage.tables import (
    Dataset,
    Organization,
    RegisteredSchema,
    Version,
    as_utc,
    new_id,
    utcnow,
)

DATA_FILE = "data.parquet"
SCHEMA_FILE = "schema.json"
MANIFEST_FILE = "manifest.json"
RAW_DIR = "raw"
# Files derived from a version (stored exports, geographic bounds): rebuilt on demand,
# never copied by a rollback, removed with the version.
DERIVED_DIR = "derived"
COMMIT_ATTEMPTS = 5
# Version numbers are INTEGER columns (32 bits on PostgreSQL): a number asked for beyond
# this cannot exist, and binding it would fail in the database rather than say so.
MAX_VERSION = 2**31 - 1
# What each way of writing a version is called in the audit log.
AUDIT_ACTIONS = {
    "ingest": "write/version",
    "rollback": "write/rollback",
    "clean": "write/clean",
    "retention": "write/retention",
    "anonymise": "write/anonymise",
}
# Adds records of a derivation in the new version's transaction (see add_derived_version).
OnCommit = Callable[[Session, Dataset, Version], None]


@dataclass(frozen=True)
class StagedFiles:
    """What a staging folder holds once written, before it becomes a version."""

    source_name: str
    format: str
    row_count: int
    raw_bytes: int
    raw_sha256: str
    data_bytes: int
    data_sha256: str
    schema: dict
    details: dict
    warnings: list[str]
    quality: dict[str, Any]


@dataclass(frozen=True)
class _Target:
    """What the staging needs to know of the dataset a version is heading for."""

    declared: tuple[RegisteredSchema, TableSchema] | None
    previous: Version | None
    primary_key: list[str]


def add_version(
    instance: Instance,
    principal: Principal,
    path: Path,
    slug: str,
    *,
    organization: str | None = None,
    metadata: DatasetMetadata | None = None,
    options: ReadOptions | None = None,
    progress: ProgressCallback | None = None,
    schema: str | None = None,
) -> Version:
    """Ingest ``path`` as the next version of ``slug``, creating the dataset if needed.

    ``schema`` (``name`` or ``name@version`` of the registry) pins the schema the dataset
    conforms to; the version is validated against the pinned schema either way.
    """
    check_slug(slug)
    if not path.is_file():
        raise UnreadableFileError("fichier introuvable ou illisible", file=str(path))
    target = _check_writable(instance, principal, slug, organization, schema, "write/version")
    check_input_size(path, instance.settings)
    options = replace(
        options or ReadOptions(),
        memory_limit=instance.settings.ingest_memory_limit,
        unpack_limits=UnpackLimits.from_settings(instance.settings),
    )
    staging = instance.lake.new_staging()
    try:
        staged = _stage_ingest(staging, path, options, progress)
        staged = _assessed(instance, principal, staging, staged, target, options)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _commit(
        instance,
        principal,
        staging,
        staged,
        slug,
        method="ingest",
        organization=organization,
        metadata=metadata,
        pinned=target.declared[0] if target.declared else None,
    )


def rollback(instance: Instance, principal: Principal, slug: str, number: int) -> Version:
    """A new version whose content is version ``number``'s; history is never rewritten."""
    attempt = AuditEvent(instance.db, "write/rollback", version=number, refusals_only=True)
    old = get_version(instance, principal, slug, number, audit=attempt)
    with instance.db.session() as session:
        require(principal, Action.WRITE, session.get_one(Dataset, old.dataset_id), audit=attempt)
    staging = instance.lake.new_staging()
    try:
        source = instance.lake.path(old.lake_key)
        for item in source.rglob("*"):
            relative = item.relative_to(source)
            # Derived files are rebuilt on demand; only the version itself is copied.
            if item.is_file() and item.name != ".writer" and relative.parts[0] != DERIVED_DIR:
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(item, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staged = StagedFiles(
        source_name=old.source_name,
        format=old.format,
        row_count=old.row_count,
        raw_bytes=old.raw_bytes,
        raw_sha256=old.raw_sha256,
        data_bytes=old.data_bytes,
        data_sha256=old.data_sha256,
        schema=old.table_schema,
        details=old.details,
        warnings=list(old.warnings),
        quality=old.quality,
    )
    return _commit(
        instance, principal, staging, staged, slug, method="rollback", rolled_back_from=number
    )


def clean_version(
    instance: Instance,
    principal: Principal,
    slug: str,
    steps_file: Path,
    number: int | None = None,
) -> Version:
    """A new version derived from version ``number`` (the latest by default) by the cleaning
    steps declared in ``steps_file``.

    The source version stays as it was; the new one keeps the steps file as its input and
    records its lineage: the source version and what each step changed.
    """
    try:
        planned = parse_steps(steps_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Fichier d'étapes illisible : {steps_file.name} ({exc})") from exc
    attempt = AuditEvent(instance.db, "write/clean", version=number, refusals_only=True)
    old = get_version(instance, principal, slug, number, audit=attempt)

    def derive(data_file: Path) -> Derived:
        result = clean_parquet(
            instance.lake.path(old.lake_key) / DATA_FILE,
            old.table_schema,
            planned,
            data_file,
            memory_limit=instance.settings.ingest_memory_limit,
        )
        lineage = {"source_version": old.number, "source_version_id": old.id, "steps": result.log}
        return Derived(result.row_count, result.schema, {"lineage": lineage}, format=old.format)

    return add_derived_version(instance, principal, slug, steps_file, derive, method="clean")


def filtered_version(
    instance: Instance,
    principal: Principal,
    slug: str,
    source: Version,
    rows: tuple[str, list[Any]],
    note: Path,
    *,
    method: str,
    lineage: dict[str, Any],
) -> Version:
    """A new version holding the rows of version ``source`` that the query ``rows`` (SQL and
    its parameters, over the source's files) selects, under the same schema.

    ``note`` is kept as the version's input (it says why the rows were chosen); ``lineage``
    joins the source version in the version's details. Retention uses it to drop expired rows.
    """

    def derive(data_file: Path) -> Derived:
        sql, parameters = rows
        with duckdb_session(data_file.parent, instance.settings.ingest_memory_limit) as con:
            [(row_count,)] = con.execute(
                f"COPY ({sql}) TO {literal(str(data_file))} (FORMAT parquet, COMPRESSION zstd)",
                parameters,
            ).fetchall()
        details = {"lineage": {"source_version": source.number, "source_version_id": source.id}}
        details["lineage"].update(lineage)
        return Derived(row_count, source.table_schema, details, format=source.format)

    return add_derived_version(
        instance, principal, slug, note, derive, method=method, derived_from=source
    )


@dataclass(frozen=True)
class Derived:
    """What a derivation wrote to the staging folder's data file."""

    row_count: int
    schema: dict[str, Any]
    details: dict[str, Any]
    format: str = "parquet"  # the format the version is listed under


def add_derived_version(
    instance: Instance,
    principal: Principal,
    slug: str,
    input_file: Path,
    derive: Callable[[Path], Derived],
    *,
    method: str,
    organization: str | None = None,
    metadata: DatasetMetadata | None = None,
    on_commit: OnCommit | None = None,
    derived_from: Version | None = None,
) -> Version:
    """A new version of ``slug`` (created if needed) whose rows ``derive`` writes as Parquet
    to the path it is given; ``input_file`` (the declaration it ran) is kept as the input.
    ``derived_from``, a version of ``slug`` itself, must still be its latest."""
    target = _check_writable(instance, principal, slug, organization, None, AUDIT_ACTIONS[method])
    if derived_from is not None and (
        target.previous is None or target.previous.id != derived_from.id
    ):
        raise ConflictError(f"Une nouvelle version de « {slug} » est arrivée entre-temps, relancez")
    options = ReadOptions(memory_limit=instance.settings.ingest_memory_limit)
    staging = instance.lake.new_staging()
    try:
        raw_digest = _keep_input(staging, input_file)
        derived = derive(staging / DATA_FILE)
        staged = _staged(
            staging,
            input_file.name,
            raw_digest,
            format=derived.format,
            row_count=derived.row_count,
            schema=derived.schema,
            details=derived.details,
            warnings=[],
        )
        staged = _assessed(instance, principal, staging, staged, target, options, raw_is_data=False)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _commit(
        instance,
        principal,
        staging,
        staged,
        slug,
        method=method,
        organization=organization,
        metadata=metadata,
        on_commit=on_commit,
    )


def list_versions(instance: Instance, principal: Principal, slug: str) -> list[Version]:
    """Versions of a readable dataset, newest first."""
    with instance.db.session() as session:
        dataset = _find(session, slug)
        require(principal, Action.READ, dataset, audit=AuditEvent(instance.db, "read/versions"))
        return list(
            session.scalars(
                select(Version)
                .where(Version.dataset_id == dataset.id)
                .order_by(Version.number.desc())
            )
        )


def get_version(
    instance: Instance,
    principal: Principal,
    slug: str,
    number: int | None = None,
    *,
    audit: AuditEvent | None = None,
) -> Version:
    """Version ``number`` (the latest when None) of a readable dataset; ``audit`` describes
    the read for the log, when it is one to log."""
    with instance.db.session() as session:
        dataset = _find(session, slug)
        require(principal, Action.READ, dataset, audit=audit)
        query = select(Version).where(Version.dataset_id == dataset.id)
        if number is None:
            query = query.order_by(Version.number.desc()).limit(1)
        else:
            query = query.where(Version.number == number)
        version = session.scalar(query)
    if version is None:
        what = "aucune version" if number is None else f"pas de version {number}"
        raise NotFoundError(f"Le jeu de données « {slug} » n'a {what}")
    check_not_purged(version, slug)
    return version


def check_not_purged(version: Version, slug: str) -> None:
    """GoneError for a version whose files retention deleted: its row is a tombstone."""
    if version.purged_at is not None:
        raise GoneError(
            f"La version {version.number} de « {slug} » a été supprimée le "
            f"{as_utc(version.purged_at):%d/%m/%Y} : sa durée de conservation était échue",
            version=version.number,
            purged_at=as_utc(version.purged_at).isoformat(),
        )


def data_paths(instance: Instance, version: Version) -> list[Path]:
    """The Parquet files holding a version's rows."""
    return [instance.lake.path(version.lake_key) / DATA_FILE]


def derived_dir(instance: Instance, version: Version, kind: str) -> Path:
    """Where files of ``kind`` derived from a version are kept (``exports``, ``features``)."""
    return instance.lake.path(version.lake_key) / DERIVED_DIR / kind


def raw_path(instance: Instance, version: Version) -> Path:
    """The input file exactly as it was received."""
    return instance.lake.path(version.lake_key) / RAW_DIR / version.source_name


def _find(session, slug: str) -> Dataset:  # type: ignore[no-untyped-def]
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFoundError(f"Jeu de données « {slug} » introuvable")
    return dataset


def _check_writable(
    instance: Instance,
    principal: Principal,
    slug: str,
    organization: str | None,
    schema: str | None,
    action: str,
) -> _Target:
    """Fail before the costly read when the caller could not commit anyway (a refusal is
    logged as ``action``; the change itself is logged when it commits)."""
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is not None:
            attempt = AuditEvent(instance.db, action, refusals_only=True)
            require(principal, Action.WRITE, dataset, audit=attempt)
        elif not principal.is_admin:
            raise InputError("Seul un administrateur peut créer un jeu de données")
        if organization and not session.scalar(
            select(Organization.id).where(Organization.slug == organization)
        ):
            raise NotFoundError(f"Organisation « {organization} » introuvable")
        record = None
        if schema:
            record = find_schema(session, SchemaRef.parse(schema))
        elif dataset is not None and dataset.schema_id:
            record = session.get_one(RegisteredSchema, dataset.schema_id)
        previous = None
        if dataset is not None:
            previous = session.scalar(
                select(Version)
                .where(Version.dataset_id == dataset.id)
                .order_by(Version.number.desc())
                .limit(1)
            )
        return _Target(
            declared=(record, table_schema(record)) if record else None,
            previous=previous,
            primary_key=list(dataset.primary_key) if dataset else [],
        )


def _stage_ingest(
    staging: Path, path: Path, options: ReadOptions, progress: ProgressCallback | None
) -> StagedFiles:
    raw_digest = _keep_input(staging, path)
    result = read_file(staging / RAW_DIR / path.name, staging / DATA_FILE, options, progress)
    return _staged(
        staging,
        path.name,
        raw_digest,
        format=result.format,
        row_count=result.row_count,
        schema=result.schema,
        details=result.details,
        warnings=list(result.warnings),
    )


def _keep_input(staging: Path, path: Path) -> tuple[str, int]:
    """Copy the input byte for byte into the staging folder's raw/ folder; its digest."""
    (staging / RAW_DIR).mkdir()
    return _copy_with_digest(path, staging / RAW_DIR / path.name)


def _staged(
    staging: Path,
    source_name: str,
    raw_digest: tuple[str, int],
    *,
    format: str,
    row_count: int,
    schema: dict[str, Any],
    details: dict[str, Any],
    warnings: list[str],
) -> StagedFiles:
    """What the staging folder holds once its input is kept and its data written."""
    raw_sha256, raw_bytes = raw_digest
    data_sha256, data_bytes = _digest(staging / DATA_FILE)
    (staging / SCHEMA_FILE).write_text(
        json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return StagedFiles(
        source_name=source_name,
        format=format,
        row_count=row_count,
        raw_bytes=raw_bytes,
        raw_sha256=raw_sha256,
        data_bytes=data_bytes,
        data_sha256=data_sha256,
        schema=schema,
        details=details,
        warnings=warnings,
        quality={},
    )


def _assessed(
    instance: Instance,
    principal: Principal,
    staging: Path,
    staged: StagedFiles,
    target: _Target,
    options: ReadOptions,
    *,
    raw_is_data: bool = True,
) -> StagedFiles:
    """The staged version with its quality assessment (see core.quality).

    ``raw_is_data`` is False when the raw input is not the table (a cleaning's steps).
    """
    summary = quality.assess(
        staging,
        staging / RAW_DIR / staged.source_name if raw_is_data else None,
        staging / DATA_FILE,
        staged.schema,
        declared=target.declared,
        previous=target.previous,
        primary_key=target.primary_key,
        options=options,
        references=quality.resolver(instance, principal),
    )
    return replace(staged, quality=summary)


def _commit(
    instance: Instance,
    principal: Principal,
    staging: Path,
    staged: StagedFiles,
    slug: str,
    *,
    method: str,
    organization: str | None = None,
    metadata: DatasetMetadata | None = None,
    rolled_back_from: int | None = None,
    pinned: RegisteredSchema | None = None,
    on_commit: OnCommit | None = None,
) -> Version:
    """Publish the staged folder and record it in one transaction, or leave no trace."""
    version = Version(
        id=new_id(),
        created_at=utcnow(),
        created_by=principal.name,
        method=method,
        source_name=staged.source_name,
        format=staged.format,
        row_count=staged.row_count,
        data_bytes=staged.data_bytes,
        raw_bytes=staged.raw_bytes,
        raw_sha256=staged.raw_sha256,
        data_sha256=staged.data_sha256,
        table_schema=staged.schema,
        details=staged.details,
        warnings=staged.warnings,
        rolled_back_from=rolled_back_from,
    )
    _write_manifest(staging, version, slug)
    audit = AuditEvent(instance.db, AUDIT_ACTIONS[method], details=_audit_details(staged, version))
    published_key: str | None = None
    try:
        for _attempt in range(COMMIT_ATTEMPTS):
            try:
                with instance.db.session() as session:
                    dataset, version.number = _dataset_for_commit(
                        session, principal, slug, organization, metadata, audit
                    )
                    if pinned is not None:
                        dataset.schema_id = pinned.id
                    version.quality = quality.finish(staged.quality, dataset, version.created_at)
                    if published_key is None:
                        published_key = f"{dataset.id}/{version.id}"
                        instance.lake.publish(staging, published_key)
                    version.dataset_id = dataset.id
                    version.lake_key = published_key
                    session.add(version)
                    if on_commit is not None:
                        on_commit(session, dataset, version)
                    guard_public_output(dataset)
                return version
            except IntegrityError:
                continue  # another writer took this number or slug: read again and retry
        raise ConflictError(f"Trop d'écritures simultanées sur « {slug} », réessayez")
    except BaseException:
        if published_key:
            instance.lake.remove(published_key)
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _dataset_for_commit(
    session,  # type: ignore[no-untyped-def]
    principal: Principal,
    slug: str,
    organization: str | None,
    metadata: DatasetMetadata | None,
    audit: AuditEvent,
) -> tuple[Dataset, int]:
    """The dataset (created on first use) and the new version's number; the write is
    logged in this transaction, so the version and its audit entry commit together."""
    organization_id = (
        session.scalar(select(Organization.id).where(Organization.slug == organization))
        if organization
        else None
    )
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    number = 1
    if dataset is None:
        dataset = Dataset(
            id=new_id(),
            slug=slug,
            title=slug,
            access=AccessLevel.INTERNAL.value,
            organization_id=organization_id,
        )
        session.add(dataset)
    else:
        number += session.scalar(
            select(func.coalesce(func.max(Version.number), 0)).where(
                Version.dataset_id == dataset.id
            )
        )
    require(principal, Action.WRITE, dataset, audit=replace(audit, version=number))
    if organization_id is not None and dataset.organization_id != organization_id:
        dataset.organization_id = organization_id
        # Moving a dataset requires rights on both sides.
        require(principal, Action.WRITE, dataset, audit=replace(audit, version=number))
    if metadata is not None:
        apply_metadata(dataset, metadata)
    session.flush()
    return dataset, number


def _audit_details(staged: StagedFiles, version: Version) -> dict[str, Any]:
    """What the log says of a new version: its input, its rows, the version it comes from."""
    details: dict[str, Any] = {"source": staged.source_name, "rows": staged.row_count}
    lineage = staged.details.get("lineage") or {}
    source_version = version.rolled_back_from or lineage.get("source_version")
    if source_version is not None:
        details["from_version"] = source_version
    return details


def _write_manifest(staging: Path, version: Version, slug: str) -> None:
    """A self-describing record beside the files, so the lake can be read without the DB."""
    manifest = {
        "dataset": slug,
        "version_id": version.id,
        "method": version.method,
        "created_by": version.created_by,
        "source_name": version.source_name,
        "format": version.format,
        "row_count": version.row_count,
        "raw": {"bytes": version.raw_bytes, "sha256": version.raw_sha256},
        "data": {"file": DATA_FILE, "bytes": version.data_bytes, "sha256": version.data_sha256},
        "details": version.details,
        "warnings": version.warnings,
        "rolled_back_from": version.rolled_back_from,
    }
    (staging / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )


def _copy_with_digest(source: Path, target: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest(), path.stat().st_size


def _link_or_copy(source: Path, target: Path) -> None:
    # Version files are never modified, so sharing them with a hard link is safe.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
