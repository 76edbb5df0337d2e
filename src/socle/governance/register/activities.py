"""Processing activities (fiches de traitement) of an organization's register: creation,
edits, look-up, datasets linked to them and the DPIA's workflow. Every change is audited.

:func:`find_activity` is the look-up other registers use (the algorithm register links its
entries to processing activities by id or slug), :func:`visible_activities` the same rule
for the activities they show.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, selectinload

from socle.core.metadata import check_slug
from socle.core.vocabularies import AccessLevel
from socle.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from socle.governance.policy import Action, Principal, require
from socle.governance.register import dpia
from socle.governance.register._audit import logged, refused
from socle.governance.register.access import check_write, is_dpo, keeps, kept_organizations
from socle.governance.register.fields import ActivityFields
from socle.instance import Instance
from socle.storage.register import ProcessingActivity, ProcessingRegister, processing_datasets
from socle.storage.tables import Dataset, Organization

OPINION_FIELDS = ("dpia_opinion", "dpia_opinion_date")
# Words of the portal's paths under /registre that an activity's slug would hide.
RESERVED_SLUGS = frozenset({"nouveau"})
NULLABLE = frozenset({"legal_basis", "dpia_opinion_date"})
LIST_FIELDS = frozenset(
    name for name, field in ActivityFields.model_fields.items() if "list[" in str(field.annotation)
)


def create_activity(
    instance: Instance, principal: Principal, organization: str, slug: str, fields: ActivityFields
) -> ProcessingActivity:
    """A new processing activity in ``organization``'s register (its name is required)."""
    check_slug(slug)
    if slug in RESERVED_SLUGS:
        raise InputError(f"L'identifiant « {slug} » est réservé : choisissez-en un autre")
    changes = fields.changes()
    if not changes.get("name"):
        raise InputError("Le nom du traitement est obligatoire")
    with instance.db.session() as session:
        org = session.scalar(select(Organization).where(Organization.slug == organization))
        if org is None or not keeps(principal, org.id):
            if org is not None:
                refused(instance.db, principal, "write/register", organization=organization)
            raise NotFoundError(f"Organisation « {organization} » introuvable")
        check_write(principal, org.id, f"Organisation « {organization} »")
        if session.scalar(select(ProcessingActivity.id).where(ProcessingActivity.slug == slug)):
            raise ConflictError(f"Le traitement « {slug} » existe déjà")
        _check_opinion(principal, org.id, changes, {})
        activity = ProcessingActivity(
            slug=slug, organization_id=org.id, created_by=principal.name, updated_by=principal.name
        )
        _apply(activity, changes)
        session.add(activity)
        session.flush()
        logged(session, principal, "write/register", org.slug, activity=slug, created=True)
    return find_activity(instance, principal, slug, audited=False)


def update_activity(
    instance: Instance, principal: Principal, reference: str, fields: ActivityFields
) -> ProcessingActivity:
    """Apply the fields the user set; only the DPO changes the DPO's opinion."""
    changes = fields.changes()
    if "name" in changes and not changes["name"]:
        raise InputError("Le nom du traitement ne peut pas être vide")
    with instance.db.session() as session:
        activity = _for_write(instance, session, principal, reference)
        current = {name: getattr(activity, name) for name in changes}
        _check_opinion(principal, activity.organization_id, changes, current)
        _apply(activity, changes)
        _touch(activity, principal)
        logged(
            session, principal, "write/register", activity.organization.slug,
            activity=activity.slug, fields=sorted(changes),
        )  # fmt: skip
    return find_activity(instance, principal, activity.slug, audited=False)


def find_activity(
    instance: Instance, principal: Principal, reference: str, *, audited: bool = True
) -> ProcessingActivity:
    """A processing activity by id or slug, if ``principal`` keeps its register or the
    register is published; NotFoundError otherwise. Reading an unpublished one is logged."""
    with instance.db.session() as session:
        activity = session.scalar(_loaded().where(_matches(reference)))
        if activity is None:
            raise NotFoundError(f"Traitement « {reference} » introuvable")
        if keeps(principal, activity.organization_id):
            if audited and not _published(session, activity.organization_id):
                logged(
                    session, principal, "read/register", activity.organization.slug,
                    activity=activity.slug,
                )  # fmt: skip
            return activity
        if _published(session, activity.organization_id):
            return activity
        refused(instance.db, principal, "read/register", activity=reference)
        raise NotFoundError(f"Traitement « {reference} » introuvable")


def visible_activities(
    session: Session,
    principal: Principal,
    activities: list[ProcessingActivity],
    *,
    audited: bool = True,
) -> list[ProcessingActivity]:
    """Those of ``activities`` that ``principal`` may see (find_activity's rule, for many at
    once): their register is published or kept by ``principal``. Showing unpublished ones is
    a read of their register, logged in ``session`` (``audited``)."""
    if not activities:
        return []
    organizations = {a.organization_id for a in activities}
    published = set(
        session.scalars(
            select(ProcessingRegister.organization_id).where(
                ProcessingRegister.published,
                ProcessingRegister.organization_id.in_(sorted(organizations)),
            )
        )
    )
    shown = [
        a
        for a in activities
        if a.organization_id in published or keeps(principal, a.organization_id)
    ]
    unpublished = [a for a in shown if a.organization_id not in published]
    if unpublished and audited:
        organization = ", ".join(sorted({a.organization.slug for a in unpublished}))
        logged(
            session, principal, "read/register", organization,
            activities=sorted({a.slug for a in unpublished}),
        )  # fmt: skip
    return shown


def list_activities(
    instance: Instance, principal: Principal, organization: str | None = None
) -> list[ProcessingActivity]:
    """The activities ``principal`` may see: all those of the registers they keep, and those
    of published registers; optionally of one organization only."""
    kept = kept_organizations(principal)
    query = _loaded().join(Organization, ProcessingActivity.organization_id == Organization.id)
    if organization is not None:
        query = query.where(Organization.slug == organization)
    if kept is not None:
        published = select(ProcessingRegister.organization_id).where(ProcessingRegister.published)
        query = query.where(
            or_(
                ProcessingActivity.organization_id.in_(sorted(kept)),
                ProcessingActivity.organization_id.in_(published),
            )
        )
    with instance.db.session() as session:
        found = list(session.scalars(query.order_by(Organization.slug, ProcessingActivity.name)))
        unpublished = sorted(
            {a.organization.slug for a in found if not _published(session, a.organization_id)}
        )
        if unpublished:  # what only keepers see: the read is logged
            logged(session, principal, "read/register", ", ".join(unpublished), listing=len(found))
    return found


def link_dataset(
    instance: Instance, principal: Principal, reference: str, dataset_slug: str
) -> ProcessingActivity:
    """Declare that ``dataset_slug`` (of the same organization) holds this activity's data."""
    with instance.db.session() as session:
        activity = _for_write(instance, session, principal, reference)
        dataset = _dataset(session, principal, dataset_slug)
        if dataset.organization_id != activity.organization_id:
            raise InputError(
                f"« {dataset_slug} » n'appartient pas à l'organisation du traitement "
                f"« {activity.slug} »"
            )
        if dataset not in activity.datasets:
            activity.datasets.append(dataset)
            _touch(activity, principal)
        logged(
            session, principal, "write/register", activity.organization.slug,
            activity=activity.slug, linked=dataset.slug,
        )  # fmt: skip
    return find_activity(instance, principal, reference, audited=False)


def unlink_dataset(
    instance: Instance, principal: Principal, reference: str, dataset_slug: str
) -> ProcessingActivity:
    """Remove a link; refused when it is the last one of a personal dataset opened beyond
    ``restricted`` (the publication rule would no longer hold)."""
    with instance.db.session() as session:
        activity = _for_write(instance, session, principal, reference)
        dataset = next((d for d in activity.datasets if d.slug == dataset_slug), None)
        if dataset is None:
            raise NotFoundError(f"« {dataset_slug} » n'est pas rattaché à « {activity.slug} »")
        others = [a for a in activities_of_dataset(session, dataset.id) if a != activity.slug]
        if dataset.personal_data and dataset.access != AccessLevel.RESTRICTED and not others:
            raise ConflictError(
                f"« {dataset_slug} » contient des données personnelles et est ouvert au niveau "
                f"{dataset.access} : il doit rester rattaché à un traitement du registre. "
                "Passez-le d'abord au niveau restricted, ou rattachez-le à un autre traitement"
            )
        activity.datasets.remove(dataset)
        _touch(activity, principal)
        logged(
            session, principal, "write/register", activity.organization.slug,
            activity=activity.slug, unlinked=dataset.slug,
        )  # fmt: skip
    return find_activity(instance, principal, reference, audited=False)


def set_dpia_status(
    instance: Instance, principal: Principal, reference: str, status: str
) -> ProcessingActivity:
    """Move the DPIA along its workflow (à faire, en cours, avis du DPO, validée)."""
    with instance.db.session() as session:
        activity = _for_write(instance, session, principal, reference)
        has_opinion = bool(activity.dpia_opinion.strip() and activity.dpia_opinion_date)
        dpia.check_transition(activity.dpia_status, status, has_opinion=has_opinion)
        before = activity.dpia_status
        activity.dpia_status = status
        _touch(activity, principal)
        logged(
            session, principal, "write/register", activity.organization.slug,
            activity=activity.slug, dpia_status=[before, status],
        )  # fmt: skip
    return find_activity(instance, principal, reference, audited=False)


def activities_of_dataset(session: Session, dataset_id: str) -> list[str]:
    """Slugs of the processing activities a dataset is linked to (the publication rule)."""
    return list(
        session.scalars(
            select(ProcessingActivity.slug)
            .where(ProcessingActivity.datasets.any(Dataset.id == dataset_id))
            .order_by(ProcessingActivity.slug)
        )
    )


def inherit_processing_activities(session: Session, source_id: str, derived_id: str) -> int:
    """Link a dataset derived from another (an anonymisation's output that may still hold
    personal data) to the processing activities of its source; how many links were added."""
    known = select(processing_datasets.c.activity_id).where(
        processing_datasets.c.dataset_id == derived_id
    )
    missing = session.scalars(
        select(processing_datasets.c.activity_id).where(
            processing_datasets.c.dataset_id == source_id,
            processing_datasets.c.activity_id.not_in(known),
        )
    ).all()
    for activity_id in missing:
        session.execute(
            processing_datasets.insert().values(activity_id=activity_id, dataset_id=derived_id)
        )
    return len(missing)


def _loaded() -> Select[ProcessingActivity]:
    return select(ProcessingActivity).options(
        selectinload(ProcessingActivity.organization),
        selectinload(ProcessingActivity.datasets),
        selectinload(ProcessingActivity.algorithms),
    )


def _matches(reference: str) -> ColumnElement[bool]:
    return or_(ProcessingActivity.slug == reference, ProcessingActivity.id == reference)


def _published(session: Session, organization_id: str) -> bool:
    register = session.get(ProcessingRegister, organization_id)
    return register is not None and register.published


def _for_write(
    instance: Instance, session: Session, principal: Principal, reference: str
) -> ProcessingActivity:
    activity = session.scalar(_loaded().where(_matches(reference)))
    if activity is None:
        raise NotFoundError(f"Traitement « {reference} » introuvable")
    if not keeps(principal, activity.organization_id, write=True):
        refused(instance.db, principal, "write/register", activity=reference)
    check_write(principal, activity.organization_id, f"Traitement « {reference} »")
    return activity


def _dataset(session: Session, principal: Principal, slug: str) -> Dataset:
    """A dataset the principal may read (the one door decides; hidden ones are missing)."""
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFoundError(f"Jeu de données « {slug} » introuvable")
    require(principal, Action.READ, dataset)
    return dataset


def _check_opinion(
    principal: Principal, organization_id: str, changes: dict[str, object], current: dict
) -> None:
    """The DPO's opinion is the DPO's: anyone else sending it unchanged is fine."""
    touched = [f for f in OPINION_FIELDS if f in changes and changes[f] != current.get(f)]
    if touched and not is_dpo(principal, organization_id):
        raise ForbiddenError("Seul le DPO de l'organisation rend l'avis du DPO sur l'AIPD")


def _apply(activity: ProcessingActivity, changes: dict[str, object]) -> None:
    """Set the changed fields; a field given as None is emptied."""
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            value = [] if name in LIST_FIELDS else {} if name == "security_measures" else ""
        setattr(activity, name, value)


def _touch(activity: ProcessingActivity, principal: Principal) -> None:
    activity.updated_at = datetime.now(UTC)
    activity.updated_by = principal.name
