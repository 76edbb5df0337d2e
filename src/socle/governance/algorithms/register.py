"""Keeping the register: entries written, edited, published and withdrawn, each change a
numbered revision and an audit entry; reads that show drafts only to their keepers.

The datasets an entry cites are shown to a reader through the policy: a published entry
citing an internal dataset lists it only for those who may read that dataset. Likewise the
processing activities of the RGPD register it cites (its own organization's): a reader sees
one only if that register is published or kept by them (governance.register decides).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from socle.core.metadata import check_slug
from socle.core.shares import find_dataset
from socle.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from socle.governance import audit
from socle.governance.algorithms.access import DRAFT, PUBLISHED, can_keep, visible_clause
from socle.governance.algorithms.fields import (
    FIELDS,
    LABELS_FR,
    missing_for_publication,
    parse_content,
)
from socle.governance.policy import Action, Principal, decide, require
from socle.governance.register import find_activity, visible_activities
from socle.instance import Instance
from socle.storage.algorithms import Algorithm, AlgorithmRevision
from socle.storage.register import ProcessingActivity
from socle.storage.tables import Dataset, Organization, utcnow

MAX_DATASETS = 50
MAX_PROCESSINGS = 50


@dataclass
class AlgorithmEntry:
    """An entry as one reader sees it."""

    algorithm: Algorithm
    datasets: list[Dataset]  # the cited datasets this reader may read
    processings: list[ProcessingActivity]  # the cited register entries this reader may see
    keeper: bool  # the reader keeps this register: sees drafts and who changed what


def add_algorithm(
    instance: Instance,
    principal: Principal,
    slug: str,
    *,
    organization: str,
    content: dict[str, Any],
    datasets: Iterable[str] = (),
    processings: Iterable[str] = (),
) -> Algorithm:
    """A new draft entry of ``organization``'s register (revision 1), citing catalog datasets
    and processing activities of the organization's RGPD register (by slug or id)."""
    check_slug(slug)
    values = parse_content(content)
    if not values.get("name"):
        raise InputError("Le nom de l'algorithme est obligatoire")
    with instance.db.session() as session:
        org = session.scalar(select(Organization).where(Organization.slug == organization))
        if org is None:
            raise NotFoundError(f"Organisation « {organization} » introuvable")
        _check_keeper(instance, principal, org.id, {"algorithm": slug, "organization": org.slug})
        if session.scalar(select(Algorithm.id).where(Algorithm.slug == slug)):
            raise ConflictError(f"L'algorithme « {slug} » existe déjà")
        activities = _processings(instance, session, principal, org.id, processings)
        algorithm = Algorithm(slug=slug, organization=org, status=DRAFT, parameters=[])
        for name, value in values.items():
            setattr(algorithm, name, value)
        cited = _cited(session, principal, datasets)
        algorithm.datasets = cited
        algorithm.processings = activities
        session.add(algorithm)
        filled = [f.name for f in FIELDS if values.get(f.name)]
        filled += [
            name for name, links in (("datasets", cited), ("processings", activities)) if links
        ]
        _revise(session, principal, algorithm, "created", filled)
    return algorithm


def update_algorithm(
    instance: Instance,
    principal: Principal,
    slug: str,
    *,
    content: dict[str, Any],
    datasets: Iterable[str] | None = None,
    processings: Iterable[str] | None = None,
) -> Algorithm:
    """Change some fields (and, if given, the whole list of cited datasets or of cited
    processing activities): a new revision. Cited activities the editor may not see stay."""
    values = parse_content(content)
    with instance.db.session() as session:
        algorithm = _kept(instance, session, principal, slug)
        activities = None
        if processings is not None:  # looked up before any change is pending in ``session``
            activities = _processings(
                instance, session, principal, algorithm.organization_id, processings
            )
        before = snapshot(algorithm)
        for name, value in values.items():
            setattr(algorithm, name, value)
        if datasets is not None:
            algorithm.datasets = _cited(session, principal, datasets)
        if activities is not None:
            seen = visible_activities(session, principal, algorithm.processings, audited=False)
            unseen = [p for p in algorithm.processings if p not in seen]
            algorithm.processings = list(dict.fromkeys([*activities, *unseen]))
        after = snapshot(algorithm)
        changes = [key for key in after if after[key] != before[key]]
        if not changes:
            raise InputError(f"Rien à modifier : la fiche « {slug} » a déjà ces valeurs")
        missing = missing_for_publication(after) if algorithm.status == PUBLISHED else []
        if missing:
            raise InputError(
                f"La fiche « {slug} » est publiée : ces champs ne peuvent pas être vidés — "
                + ", ".join(missing)
            )
        _revise(session, principal, algorithm, "edited", changes)
    return algorithm


def set_published(
    instance: Instance, principal: Principal, slug: str, published: bool
) -> Algorithm:
    """Publish a complete entry, or withdraw a published one back to draft."""
    with instance.db.session() as session:
        algorithm = _kept(instance, session, principal, slug)
        wanted = PUBLISHED if published else DRAFT
        if algorithm.status == wanted:
            state = "déjà publiée" if published else "n'est pas publiée"
            raise ConflictError(f"La fiche « {slug} » {state}")
        if published:
            missing = missing_for_publication(snapshot(algorithm))
            if missing:
                raise InputError(
                    f"La fiche « {slug} » ne peut pas être publiée : à compléter — "
                    + ", ".join(missing)
                )
            algorithm.published_at = utcnow()
        algorithm.status = wanted
        _revise(
            session, principal, algorithm, "published" if published else "withdrawn", ["status"]
        )
    return algorithm


def list_algorithms(
    instance: Instance,
    principal: Principal,
    *,
    organization: str | None = None,
    status: str | None = None,
) -> list[AlgorithmEntry]:
    """Published entries and the drafts ``principal`` keeps, by organization then name."""
    if status not in (None, DRAFT, PUBLISHED):
        raise InputError(f"Statut « {status} » inconnu ; statuts possibles : {DRAFT}, {PUBLISHED}")
    query = _loaded(revisions=False).where(visible_clause(principal)).join(Algorithm.organization)
    if organization is not None:
        query = query.where(Organization.slug == organization)
    if status is not None:
        query = query.where(Algorithm.status == status)
    with instance.db.session() as session:
        found = session.scalars(
            query.order_by(Organization.name, Algorithm.name, Algorithm.slug)
        ).all()
        return _entries(session, principal, list(found))


def get_algorithm(instance: Instance, principal: Principal, slug: str) -> AlgorithmEntry:
    """One entry with its revisions; a draft exists only for its keepers (its reads logged)."""
    with instance.db.session() as session:
        algorithm = session.scalar(_loaded().where(Algorithm.slug == slug))
        if algorithm is None:
            raise NotFoundError(f"Algorithme « {slug} » introuvable")
        if algorithm.status == DRAFT:
            allowed = can_keep(principal, algorithm.organization_id, write=False)
            _log_draft_read(instance, principal, algorithm, allowed)
            if not allowed:
                raise NotFoundError(f"Algorithme « {slug} » introuvable")
        return _entries(session, principal, [algorithm])[0]


def snapshot(algorithm: Algorithm) -> dict[str, Any]:
    """The entry's content as a revision keeps it (datasets and processing activities by id:
    their names may change)."""
    content = {f.name: getattr(algorithm, f.name) for f in FIELDS}
    content["parameters"] = [dict(p) for p in algorithm.parameters or []]
    content["datasets"] = sorted(d.id for d in algorithm.datasets)
    content["processings"] = sorted(p.id for p in algorithm.processings)
    content["status"] = algorithm.status
    return content


def _entries(
    session: Session, principal: Principal, found: list[Algorithm]
) -> list[AlgorithmEntry]:
    """Each entry as ``principal`` sees it; the register entries shown are checked at once."""
    seen = set(visible_activities(session, principal, [p for a in found for p in a.processings]))
    entries = []
    for algorithm in found:
        visible = [d for d in algorithm.datasets if decide(principal, Action.READ, d).allowed]
        entries.append(
            AlgorithmEntry(
                algorithm,
                sorted(visible, key=lambda d: d.title.lower()),
                [p for p in algorithm.processings if p in seen],
                can_keep(principal, algorithm.organization_id, write=False),
            )
        )
    return entries


def _loaded(*, revisions: bool = True) -> Select[Algorithm]:
    query = select(Algorithm).options(
        selectinload(Algorithm.organization),
        selectinload(Algorithm.datasets),
        selectinload(Algorithm.processings).selectinload(ProcessingActivity.organization),
    )
    return query.options(selectinload(Algorithm.revisions)) if revisions else query


def _kept(instance: Instance, session: Session, principal: Principal, slug: str) -> Algorithm:
    """The entry ``principal`` may change, or an error that reveals no draft."""
    algorithm = session.scalar(_loaded().where(Algorithm.slug == slug))
    if algorithm is None or (
        algorithm.status == DRAFT
        and not can_keep(principal, algorithm.organization_id, write=False)
    ):
        raise NotFoundError(f"Algorithme « {slug} » introuvable")
    details = {"algorithm": slug, "organization": algorithm.organization.slug}
    _check_keeper(instance, principal, algorithm.organization_id, details)
    return algorithm


def _check_keeper(
    instance: Instance, principal: Principal, organization_id: str, details: dict[str, Any]
) -> None:
    """Refuse (and log the refusal) a change by someone who does not keep this register."""
    if can_keep(principal, organization_id, write=True):
        return
    with instance.db.session() as own:
        audit.append(
            own, audit.occurrence(principal, "write/algorithm", allowed=False, details=details)
        )
    raise ForbiddenError(
        "Seuls les responsables de l'organisation tiennent son registre des algorithmes"
    )


def _log_draft_read(
    instance: Instance, principal: Principal, algorithm: Algorithm, allowed: bool
) -> None:
    details = {"algorithm": algorithm.slug, "organization": algorithm.organization.slug}
    occurred = audit.occurrence(principal, "read/algorithm-draft", allowed=allowed, details=details)
    with instance.db.session() as own:
        audit.append(own, occurred)


def _cited(session: Session, principal: Principal, slugs: Iterable[str]) -> list[Dataset]:
    """The datasets named, each one readable by the editor (missing and hidden look alike)."""
    unique = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    if len(unique) > MAX_DATASETS:
        raise InputError(f"{LABELS_FR['datasets']} : {MAX_DATASETS} au plus")
    cited = []
    for slug in unique:
        dataset = find_dataset(session, slug)
        require(principal, Action.READ, dataset)
        cited.append(dataset)
    return cited


def _processings(
    instance: Instance,
    session: Session,
    principal: Principal,
    organization_id: str,
    references: Iterable[str],
) -> list[ProcessingActivity]:
    """The processing activities named (slug or id), each of the entry's organization and
    visible to the editor: the register's own look-up decides, hidden ones are missing."""
    unique = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    if len(unique) > MAX_PROCESSINGS:
        raise InputError(f"{LABELS_FR['processings']} : {MAX_PROCESSINGS} au plus")
    cited: dict[str, ProcessingActivity] = {}  # by id: a slug and an id may name the same
    for reference in unique:
        found = find_activity(instance, principal, reference, audited=False)
        if found.organization_id != organization_id:
            raise InputError(
                f"Le traitement « {reference} » est au registre d'une autre organisation : "
                "une fiche ne cite que les traitements de sa propre organisation"
            )
        cited[found.id] = session.get_one(ProcessingActivity, found.id)
    return list(cited.values())


def _revise(
    session: Session, principal: Principal, algorithm: Algorithm, event: str, changes: list[str]
) -> None:
    """Number the change, keep the whole entry as it now stands, and log it."""
    number = len(algorithm.revisions) + 1
    algorithm.revision = number
    algorithm.updated_at = utcnow()
    algorithm.revisions.append(
        AlgorithmRevision(
            number=number,
            author=principal.name,
            event=event,
            changes=changes,
            content=snapshot(algorithm),
        )
    )
    details = {
        "algorithm": algorithm.slug,
        "organization": algorithm.organization.slug,
        "revision": number,
        "event": event,
        "changes": changes,
    }
    audit.log(session, principal, "write/algorithm", details=details)
