"""Reuses (réutilisations): proposed by anyone, published once a moderator approves them.

A published reuse is public, but the datasets it cites are listed through the policy: one
citing an internal dataset shows only those the reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from socle.core.catalog import get_entry
from socle.core.participation._datasets import readable, shown, slug_of
from socle.core.participation.fields import ContributionError, Problems
from socle.core.participation.images import prepare_image, save_image
from socle.core.participation.moderation import Status, can_moderate
from socle.core.participation.notifications import notify
from socle.errors import NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.participation import Reuse, reuse_datasets
from socle.storage.tables import Dataset

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_DATASETS = 20


@dataclass
class ReuseEntry:
    reuse: Reuse
    datasets: list[Dataset]  # those the reader may see


def propose_reuse(
    instance: Instance,
    principal: Principal,
    *,
    title: str | None,
    url: str | None,
    description: str | None,
    datasets: list[str],
    image: bytes,
    contact_email: str | None = None,
) -> Reuse:
    """Record a pending reuse and tell the cited datasets' organizations."""
    problems = Problems()
    title = problems.text("title", title, "Titre", MAX_TITLE)
    url = problems.url("url", url, "Adresse de la réutilisation")
    description = problems.text(
        "description", description, "Description", MAX_DESCRIPTION, multiline=True
    )
    email = problems.email("contact_email", contact_email, "Adresse électronique")
    slugs = list(dict.fromkeys(slug_of(r) for r in datasets if r.strip()))
    if not slugs:
        problems.add("datasets", "Jeux de données : indiquez au moins un jeu de données utilisé")
    elif len(slugs) > MAX_DATASETS:
        problems.add("datasets", f"Jeux de données : {MAX_DATASETS} au plus")
    try:
        picture = prepare_image(image)
    except ContributionError as exc:
        problems.fields.update(exc.fields)
    with instance.db.session() as session:
        cited = []
        for slug in slugs[:MAX_DATASETS]:
            dataset = readable(session, principal, slug)
            if dataset is None:
                problems.add("datasets", f"Jeux de données : « {slug} » introuvable")
            cited.append(dataset)
        problems.raise_if_any()
        reuse = Reuse(
            title=title,
            url=url,
            description=description,
            contact_email=email,
            image=save_image(instance, picture),
            datasets=[d for d in cited if d is not None],
        )
        session.add(reuse)
        session.flush()
        for dataset in reuse.datasets:
            notify(
                session,
                "reuse_proposed",
                "reuse",
                reuse.id,
                f"Réutilisation proposée pour « {dataset.title} » : {title}",
                dataset=dataset,
            )
    return reuse


def list_reuses(
    instance: Instance,
    principal: Principal,
    *,
    dataset: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[int, list[ReuseEntry]]:
    """Published reuses, newest first; of one dataset the reader may see, if given."""
    query = select(Reuse).where(Reuse.status == Status.APPROVED.value)
    if dataset is not None:
        dataset_id = get_entry(instance, principal, dataset).dataset.id
        query = query.join(reuse_datasets).where(reuse_datasets.c.dataset_id == dataset_id)
    with instance.db.session() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.options(selectinload(Reuse.datasets))
            .order_by(Reuse.moderated_at.desc(), Reuse.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        return total, [ReuseEntry(r, shown(principal, r.datasets)) for r in rows]


def get_reuse(instance: Instance, principal: Principal, reuse_id: str) -> ReuseEntry:
    """A published reuse (a moderator sees pending ones too), or NotFoundError."""
    with instance.db.session() as session:
        reuse = session.scalar(
            select(Reuse).options(selectinload(Reuse.datasets)).where(Reuse.id == reuse_id)
        )
        if reuse is None or (reuse.status != Status.APPROVED and not can_moderate(principal)):
            raise NotFoundError("Réutilisation introuvable")
        return ReuseEntry(reuse, shown(principal, reuse.datasets))
