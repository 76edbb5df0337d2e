"""The instance's schema registry: Table Schemas imported once, versioned, pinned by datasets.

A schema is named (``schema-irve-statique``) and versioned (``2.3.0``); a dataset pins one
version, so a new release of a national schema never silently changes what a dataset is
checked against. References are written ``name`` (latest version) or ``name@version``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from socle.core.search_index import fold
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance import audit
from socle.governance.policy import Action, Principal, require, visible_clause
from socle.ingest.remote import is_url
from socle.instance import Instance
from socle.quality.schema import TableSchema, parse_schema
from socle.storage.tables import Dataset, RegisteredSchema

NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,49}$")


@dataclass(frozen=True)
class SchemaRef:
    """``name`` or ``name@version`` as users write it."""

    name: str
    version: str | None = None

    @classmethod
    def parse(cls, text: str) -> SchemaRef:
        name, at, version = text.strip().partition("@")
        if not NAME.fullmatch(name) or (at and not VERSION.fullmatch(version)):
            raise InputError(
                f"Référence de schéma « {text} » invalide : attendu nom ou nom@version "
                "(ex. schema-irve-statique@2.3.0)"
            )
        return cls(name, version or None)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


def add_schema(
    instance: Instance,
    principal: Principal,
    descriptor: Any,
    source: str,
    *,
    name: str | None = None,
    version: str | None = None,
) -> tuple[RegisteredSchema, bool]:
    """Register ``descriptor``; returns the record and whether it is new.

    Adding the same content again under the same name and version is a no-op, so imports
    can be replayed; different content under a taken name and version is a conflict.
    """
    if not principal.is_admin:
        raise InputError("Seul un administrateur peut ajouter un schéma")
    parsed = parse_schema(descriptor, source)  # refuses what cannot be validated against
    chosen_name = name or _name_from(parsed, source)
    if not NAME.fullmatch(chosen_name):
        raise InputError(
            f"Nom de schéma « {chosen_name} » invalide : donnez un nom (--name) en minuscules "
            "sans accent, chiffres, points, tirets (ex. schema-irve-statique)"
        )
    digest = _digest(descriptor)
    with instance.db.session() as session:
        chosen_version = version or _version_from(parsed) or _next_version(session, chosen_name)
        if not VERSION.fullmatch(chosen_version):
            raise InputError(f"Version de schéma « {chosen_version} » invalide (ex. 1.0.0)")
        existing = session.scalar(
            select(RegisteredSchema).where(
                RegisteredSchema.name == chosen_name, RegisteredSchema.version == chosen_version
            )
        )
        if existing is not None:
            if existing.sha256 == digest:
                return existing, False
            raise ConflictError(
                f"Le schéma {chosen_name}@{chosen_version} existe déjà avec un autre contenu ; "
                "donnez une autre version (--version)"
            )
        record = RegisteredSchema(
            name=chosen_name,
            version=chosen_version,
            title=parsed.title if parsed.title != parsed.name else chosen_name,
            description=str(descriptor.get("description") or ""),
            source=source,
            url=_public_url(descriptor, source),
            descriptor=descriptor,
            sha256=digest,
            warnings=list(parsed.warnings),
            created_by=principal.name,
        )
        session.add(record)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ConflictError(
                f"Le schéma {chosen_name}@{chosen_version} vient d'être ajouté par ailleurs"
            ) from exc
        added = {"added": f"{chosen_name}@{chosen_version}", "source": source}
        audit.log(session, principal, "write/schema", details=added)
        return record, True


def list_schemas(instance: Instance) -> list[RegisteredSchema]:
    """Every registered version, grouped by name, newest version first within a name."""
    with instance.db.session() as session:
        records = sorted(session.scalars(select(RegisteredSchema)), key=_order, reverse=True)
    return sorted(records, key=lambda r: r.name)


def get_schema(instance: Instance, reference: str | SchemaRef) -> RegisteredSchema:
    """The version named by ``reference``, the latest one when it names no version."""
    ref = SchemaRef.parse(reference) if isinstance(reference, str) else reference
    with instance.db.session() as session:
        return find_schema(session, ref)


def find_schema(session: Session, ref: SchemaRef) -> RegisteredSchema:
    records = list(
        session.scalars(select(RegisteredSchema).where(RegisteredSchema.name == ref.name))
    )
    if ref.version is not None:
        records = [r for r in records if r.version == ref.version]
    if not records:
        raise NotFoundError(f"Schéma « {ref} » introuvable dans le registre")
    return max(records, key=_order)


def table_schema(record: RegisteredSchema) -> TableSchema:
    """The registered descriptor, read through the compatibility layer."""
    return parse_schema(record.descriptor, f"{record.name}@{record.version}")


def conforming_datasets(
    instance: Instance, principal: Principal, record: RegisteredSchema
) -> list[Dataset]:
    """Datasets pinned to this schema version that ``principal`` may see."""
    with instance.db.session() as session:
        found = session.scalars(
            select(Dataset).where(Dataset.schema_id == record.id, visible_clause(principal))
        )
        return sorted(found, key=lambda d: fold(d.title))


def pin_schema(
    instance: Instance, principal: Principal, slug: str, reference: str | None
) -> RegisteredSchema | None:
    """Declare the schema version ``slug`` conforms to (``None`` removes the declaration).

    Later versions are validated against it; versions already stored keep their report.
    """
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        pinned = {"pinned": reference}
        event = audit.AuditEvent(instance.db, "write/schema", details=pinned)
        require(principal, Action.WRITE, dataset, audit=event)
        record = find_schema(session, SchemaRef.parse(reference)) if reference else None
        dataset.schema_id = record.id if record else None
        return record


def _name_from(parsed: TableSchema, source: str) -> str:
    """The descriptor's own name, else the file name: ``IRVE statique.json`` → ``irve-statique``."""
    raw = parsed.name or source.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    if raw in {"", "schema"} and not parsed.name:
        raw = parsed.title
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9._-]+", "-", ascii_text.lower()).strip("-._")[:100]


def _version_from(parsed: TableSchema) -> str | None:
    """``v2.3.0`` → ``2.3.0``, as schema.data.gouv.fr tags are written both ways."""
    return parsed.version.removeprefix("v") or None


def _next_version(session: Session, name: str) -> str:
    """For schemas without a version: 1, 2, 3... in order of import."""
    taken = session.scalars(
        select(RegisteredSchema.version).where(RegisteredSchema.name == name)
    ).all()
    numbers = [int(v) for v in taken if v.isdigit()]
    return str(max(numbers, default=0) + 1)


def _order(record: RegisteredSchema) -> tuple[tuple[int, ...], str]:
    """Numeric order of dotted versions (2.10 after 2.9), import order as tie-break."""
    numbers = tuple(int(part) for part in re.findall(r"\d+", record.version))
    return numbers, record.created_at.isoformat() if record.created_at else ""


def _digest(descriptor: Any) -> str:
    canonical = json.dumps(descriptor, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _public_url(descriptor: dict[str, Any], source: str) -> str | None:
    """The URL reusers know the schema by: where it was downloaded, else its ``path``."""
    if is_url(source):
        return source
    path = descriptor.get("path")
    return path if isinstance(path, str) and is_url(path) else None
