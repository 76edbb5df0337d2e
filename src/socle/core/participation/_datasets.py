"""Datasets as contributions name them, resolved and filtered through the policy."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socle.governance.policy import Action, Principal, decide
from socle.storage.tables import Dataset

# « https://site/jeux-de-donnees/comptages/tableau » or plain « comptages ».
PAGE = re.compile(r"/jeux-de-donnees/([a-z0-9-]+)")


def slug_of(reference: str) -> str:
    """A dataset's slug from its page address or the slug itself."""
    reference = reference.strip()
    match = PAGE.search(reference)
    return match.group(1) if match else reference.strip("/").lower()


def readable(session: Session, principal: Principal, slug: str) -> Dataset | None:
    """The dataset ``principal`` may read, or None: missing and hidden look alike."""
    dataset = session.scalar(
        select(Dataset).options(selectinload(Dataset.organization)).where(Dataset.slug == slug)
    )
    if dataset is None or not decide(principal, Action.READ, dataset).allowed:
        return None
    return dataset


def shown(principal: Principal, datasets: Iterable[Dataset]) -> list[Dataset]:
    """The datasets of a published contribution that ``principal`` may see, by title."""
    visible = [d for d in datasets if decide(principal, Action.READ, d).allowed]
    return sorted(visible, key=lambda d: d.title.lower())
