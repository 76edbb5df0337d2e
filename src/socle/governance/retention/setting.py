"""Declaring or removing a dataset's retention rule, checked against its latest version."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from socle.core.catalog import get_entry
from socle.errors import NotFoundError
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, require
from socle.governance.retention.plan import scan
from socle.governance.retention.rules import RetentionRule
from socle.instance import Instance
from socle.storage.tables import Dataset, utcnow


def set_rule(
    instance: Instance, principal: Principal, slug: str, rule: RetentionRule | None
) -> Dataset:
    """Give ``slug`` the retention ``rule`` (None: keep its data without limit).

    A date column must exist in the latest version with a date or timestamp type; the change
    is logged like any metadata edit.
    """
    entry = get_entry(instance, principal, slug)
    if rule is not None and rule.date_column and entry.latest is not None:
        scan(instance, entry.latest, rule.date_column, utcnow())  # InputError if unusable
    new = rule.model_dump() if rule is not None else None
    with instance.db.session() as session:
        dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        details = {"fields": ["retention"], "retention": [dataset.retention, new]}
        event = AuditEvent(instance.db, "write/metadata", details=details)
        require(principal, Action.WRITE, dataset, audit=event)
        dataset.retention = new
        dataset.modified_at = datetime.now(UTC)
    return dataset
