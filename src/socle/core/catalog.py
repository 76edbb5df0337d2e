"""The catalog: finding, reading and editing datasets' metadata, always through the policy.

Search asks the policy which datasets the caller may see, then ranks and counts within that
set only, so totals and facet counts never reveal what is hidden. Texts, facet values and
sort keys come from the in-memory search index (core.search_index); only the page shown is
loaded from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from socle.core.metadata import DatasetMetadata, check_slug
from socle.core.search_index import FACETS, current_index, derived, fold
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance.audit import AuditEvent
from socle.governance.identity import Role
from socle.governance.policy import ADMIN, Action, Principal, require, visible_clause
from socle.governance.publication import check_publication
from socle.instance import Instance
from socle.storage.tables import Dataset, Membership, Organization, User, Version, as_utc

SortKey = Literal["relevance", "date", "title"]
MAX_PAGE_SIZE = 100


@dataclass
class Entry:
    """A dataset with what listings show about it."""

    dataset: Dataset
    organization: Organization | None
    latest: Version | None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    total_count: int
    entries: list[Entry]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def get_entry(
    instance: Instance, principal: Principal, slug: str, *, audit: AuditEvent | None = None
) -> Entry:
    """One dataset the caller may read, or NotFoundError.

    ``audit`` describes the read this entry is for; it is logged with the latest version's
    number unless it names one.
    """
    with instance.db.session() as session:
        dataset = session.scalar(
            select(Dataset)
            .options(selectinload(Dataset.organization), selectinload(Dataset.schema))
            .where(Dataset.slug == slug)
        )
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        latest = _latest_versions(session, [dataset.id]).get(dataset.id)
        if audit is not None and audit.version is None and latest is not None:
            audit = replace(audit, version=latest.number)
        require(principal, Action.READ, dataset, audit=audit)
        return Entry(dataset, dataset.organization, latest)


def search(
    instance: Instance,
    principal: Principal,
    *,
    q: str | None = None,
    filters: dict[str, str | None] | None = None,
    sort: SortKey | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchResult:
    """Full-text search with facets over what ``principal`` may see."""
    if page < 1:
        raise InputError("Le numéro de page commence à 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"La taille de page doit être entre 1 et {MAX_PAGE_SIZE}")
    active = {k: v for k, v in (filters or {}).items() if v}
    unknown = set(active) - set(FACETS)
    if unknown:
        raise InputError(f"Filtre(s) inconnu(s) : {sorted(unknown)}")
    index = current_index(instance)
    visible = visible_ids(instance, principal)
    words = fold(q).split() if q else []
    wanted = set(active.items())
    matched = []  # (position in the index, relevance)
    for position, indexed in enumerate(index.datasets):
        if indexed.id in visible and wanted <= indexed.facets:
            relevance = indexed.score(words) if words else 0
            if relevance or not words:
                matched.append((position, relevance))
    found = index.datasets
    sort = sort or ("relevance" if words else "date")
    # The index lists the newest edits first: sorts are stable, so ties stay newest first.
    if sort == "title":
        matched.sort(key=lambda m: found[m[0]].sort_title)
    elif sort == "relevance":
        matched.sort(key=lambda m: -m[1])
    start = (page - 1) * page_size
    page_ids = [found[position].id for position, _ in matched[start : start + page_size]]
    with instance.db.session() as session:
        entries = _entries(session, page_ids)
    facets = index.facet_counts([position for position, _ in matched])
    return SearchResult(
        total_count=len(matched),
        entries=entries,
        facets={
            facet: [FacetValue(*value) for value in values] for facet, values in facets.items()
        },
    )


def totals(instance: Instance, principal: Principal) -> tuple[int, int]:
    """How many datasets ``principal`` may see, and how many rows their latest versions hold."""
    entries = visible_entries(instance, principal)
    return len(entries), sum(e.latest.row_count for e in entries if e.latest)


def update_dataset(
    instance: Instance, principal: Principal, slug: str, metadata: DatasetMetadata
) -> Dataset:
    """Apply the fields the user set; the stable identifier never changes."""
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        changes = metadata.changes()
        details: dict[str, Any] = {"fields": sorted(changes)}
        if "access" in changes:
            new = changes["access"]
            details["access"] = [dataset.access, new.value if new else None]
        require(
            principal,
            Action.WRITE,
            dataset,
            audit=AuditEvent(instance.db, "write/metadata", details=details),
        )
        apply_metadata(dataset, metadata)
    return dataset


def set_steward(instance: Instance, principal: Principal, slug: str, email: str | None) -> Dataset:
    """Name the dataset's référent data, a member of its organization (None: nobody)."""
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        require(principal, Action.WRITE, dataset)
        steward = None
        if email is not None:
            steward = session.scalar(
                select(User)
                .join(Membership)
                .where(
                    User.email == email.strip().lower(),
                    Membership.organization_id == dataset.organization_id,
                    Membership.role != Role.PARTNER.value,
                )
            )
            if steward is None:
                raise InputError(
                    f"« {email} » n'est pas membre de l'organisation du jeu de données"
                )
        dataset.steward_id = steward.id if steward else None
        dataset.modified_at = datetime.now(UTC)
    return dataset


def rename_dataset(instance: Instance, principal: Principal, slug: str, new_slug: str) -> Dataset:
    check_slug(new_slug)
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        audit = AuditEvent(instance.db, "write/metadata", details={"renamed_to": new_slug})
        require(principal, Action.WRITE, dataset, audit=audit)
        if session.scalar(select(Dataset.id).where(Dataset.slug == new_slug)):
            raise ConflictError(f"L'identifiant « {new_slug} » est déjà pris")
        dataset.slug = new_slug
        dataset.modified_at = datetime.now(UTC)
    return dataset


def apply_metadata(dataset: Dataset, metadata: DatasetMetadata) -> None:
    for name, value in metadata.changes().items():
        setattr(dataset, name, value.value if name == "access" and value else value)
    if (
        dataset.temporal_start
        and dataset.temporal_end
        and dataset.temporal_start > dataset.temporal_end
    ):
        raise InputError("La couverture temporelle se termine avant de commencer")
    check_publication(dataset)
    dataset.modified_at = datetime.now(UTC)


def visible_ids(instance: Instance, principal: Principal) -> set[str]:
    """The ids of the datasets the principal may see: what searches rank and count within.

    Read as plain rows (Core), not through the ORM's row processing: 10,000 ids at each search.
    """
    with instance.db.session() as session:
        query = select(Dataset.id).where(visible_clause(principal))
        return set(session.connection().execute(query).scalars())


def visible_entries(instance: Instance, principal: Principal) -> list[Entry]:
    """Every dataset the principal may see, with its organization and latest version."""
    with instance.db.session() as session:
        ids = session.scalars(select(Dataset.id).where(visible_clause(principal))).all()
        return _entries(session, list(ids))


def all_entries(instance: Instance) -> list[Entry]:
    """Every dataset as an entry, loaded once per catalog change (search_index.derived) and
    shared by the views built on it (CKAN documents, the Opendatasoft catalog).

    It holds hidden datasets too: callers keep only those visible_ids lets the caller see.
    """
    return derived(instance, "entries", lambda i: visible_entries(i, ADMIN))


@dataclass(frozen=True)
class Stamp:
    """A dataset's organization and dates: what feeds filter and order on, without loading
    the dataset itself (a feed of 10,000 datasets loads only the page it shows)."""

    dataset_id: str
    organization: str | None  # slug
    created_at: datetime
    modified_at: datetime  # the latest of creation, metadata edit and newest version


def visible_stamps(instance: Instance, principal: Principal) -> list[Stamp]:
    """A stamp of every dataset the principal may see, in no particular order."""
    newest = (
        select(Version.dataset_id, func.max(Version.created_at).label("at"))
        .group_by(Version.dataset_id)
        .subquery()
    )
    query = (
        select(Dataset.id, Organization.slug, Dataset.created_at, Dataset.modified_at, newest.c.at)
        .outerjoin(Organization, Organization.id == Dataset.organization_id)
        .outerjoin(newest, newest.c.dataset_id == Dataset.id)
        .where(visible_clause(principal))
    )
    with instance.db.session() as session:
        rows = session.execute(query).all()
    return [
        Stamp(
            dataset_id,
            organization,
            as_utc(created),
            max(as_utc(d) for d in (created, modified, version_at) if d is not None),
        )
        for dataset_id, organization, created, modified, version_at in rows
    ]


def load_entries(instance: Instance, dataset_ids: list[str]) -> list[Entry]:
    """The datasets of ``dataset_ids`` as entries, in that order. Callers choose the ids
    through the policy (visible_ids, visible_stamps) and load only what they show."""
    with instance.db.session() as session:
        return _entries(session, dataset_ids)


def _entries(session: Session, dataset_ids: list[str]) -> list[Entry]:
    """The datasets of ``dataset_ids`` as entries, in that order (missing ones skipped)."""
    datasets = session.scalars(
        select(Dataset)
        .options(selectinload(Dataset.organization), selectinload(Dataset.schema))
        .where(Dataset.id.in_(dataset_ids))
    ).all()
    by_id = {d.id: d for d in datasets}
    latest = _latest_versions(session, list(by_id))
    return [
        Entry(by_id[i], by_id[i].organization, latest.get(i)) for i in dataset_ids if i in by_id
    ]


def _latest_versions(session: Session, dataset_ids: list[str]) -> dict[str, Version]:
    if not dataset_ids:
        return {}
    newest = (
        select(Version.dataset_id, func.max(Version.number).label("n"))
        .where(Version.dataset_id.in_(dataset_ids))
        .group_by(Version.dataset_id)
        .subquery()
    )
    rows = session.scalars(
        select(Version).join(
            newest, (Version.dataset_id == newest.c.dataset_id) & (Version.number == newest.c.n)
        )
    ).all()
    return {v.dataset_id: v for v in rows}
