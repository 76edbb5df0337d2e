"""What the DPO sees coming: per dataset of an organization, the next purge and what will
expire within the next days.

Shown to the organization's ``dpo``, ``admin`` and ``data_officer`` and to the instance's
administrators only; for anyone else the organization's list does not exist (404). Within it,
each dataset is listed only if the policy lets the caller read it (an ``admin`` does not see
``restricted`` datasets, the DPO does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from socle.core.organizations import get_organization
from socle.errors import InputError, NotFoundError
from socle.governance.audit import AuditEvent
from socle.governance.identity import Role
from socle.governance.policy import Action, Principal, acts_for, decide
from socle.governance.retention.plan import DatasetPlan, governed_datasets, plan_dataset
from socle.instance import Instance
from socle.storage.tables import utcnow

OVERSEERS = frozenset({Role.DPO, Role.ADMIN, Role.DATA_OFFICER})
MAX_DAYS = 3660


@dataclass(frozen=True)
class Upcoming:
    """One dataset's retention outlook: ``now`` as of today, ``later`` as of ``days`` ahead."""

    slug: str
    title: str
    access: str
    at: datetime
    now: DatasetPlan
    later: DatasetPlan

    @property
    def next_purge(self) -> datetime | None:
        """When retention will next remove something: now if something has already expired
        (the next run), else when the oldest row or version kept reaches the period."""
        return self.at if self.now.has_work else self.now.next_expiry

    def view(self) -> dict[str, Any]:
        """The JSON shape of the API and the portal page."""
        return {
            "dataset": self.slug,
            "title": self.title,
            "access": self.access,
            "period": self.now.period.text,
            "date_column": self.now.date_column,
            "next_purge": self.next_purge.isoformat() if self.next_purge else None,
            "rows_total": self.now.rows_total,
            "rows_expired": self.now.rows_expired,
            "rows_expiring": self.later.rows_expired,
            "versions_expired": [e.number for e in self.now.expiries],
            "versions_expiring": [e.number for e in self.later.expiries],
            "problem": self.now.problem,
        }


def may_oversee(principal: Principal, organization_id: str) -> bool:
    """Whether ``principal`` may see the retention outlook of this organization."""
    return acts_for(principal, organization_id, OVERSEERS)


def upcoming_purges(
    instance: Instance,
    principal: Principal,
    organization: str,
    days: int = 30,
    *,
    at: datetime | None = None,
) -> list[Upcoming]:
    """The organization's datasets under a retention rule, with what will go within ``days``."""
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"Le nombre de jours doit être entre 1 et {MAX_DAYS}")
    org = get_organization(instance, organization)
    if not may_oversee(principal, org.id):
        raise NotFoundError(f"Organisation « {organization} » introuvable")
    at = at or utcnow()
    with instance.db.session() as session:
        datasets = [
            d
            for d in governed_datasets(session, organization_id=org.id)
            if decide(principal, Action.READ, d).allowed
        ]
    seen = AuditEvent(instance.db, "read/retention", details={"days": days})
    for dataset in datasets:
        seen.record(principal, dataset, True)  # counts of non-public rows are a read of them
    return [
        Upcoming(
            d.slug,
            d.title,
            d.access,
            at,
            plan_dataset(instance, d, at),
            plan_dataset(instance, d, at + timedelta(days=days)),
        )
        for d in datasets
    ]
