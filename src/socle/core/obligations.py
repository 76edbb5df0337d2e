"""Partners' obligations under an agreement: which dataset they must deliver, to which
schema, how often, and the due dates that follow from the frequency.

Due dates run from the first one at the obligation's frequency (a monthly obligation first
due on 31 January is due on 28 or 29 February, then 31 March...) and stop at the
agreement's end; an irregular obligation has its first due date only.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from socle.core.schemas import SchemaRef, find_schema
from socle.core.shares import find_dataset
from socle.core.vocabularies import FREQUENCIES
from socle.errors import InputError
from socle.governance.audit import AuditEvent
from socle.governance.policy import Action, Principal, require
from socle.instance import Instance
from socle.storage.deliveries import Obligation
from socle.storage.tables import Agreement

# Frequencies (codes of vocabularies.FREQUENCIES) a delivery can be due at: days or months.
PERIODS: dict[str, tuple[int, int]] = {
    "DAILY": (1, 0),
    "WEEKLY": (7, 0),
    "MONTHLY": (0, 1),
    "QUARTERLY": (0, 3),
    "ANNUAL": (0, 12),
    "IRREG": (0, 0),  # one due date only
}
MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class ObligationTerms:
    """What a partner must deliver: a dataset of the owning organization, from
    ``first_due_on`` at ``frequency``, conforming to ``schema`` when given."""

    dataset: str
    frequency: str
    first_due_on: date
    schema: str | None = None
    description: str | None = None


def new_obligation(
    instance: Instance,
    session: Session,
    principal: Principal,
    agreement: Agreement,
    terms: ObligationTerms,
) -> Obligation:
    """Add the obligation to ``agreement`` in ``session`` and log it there."""
    check_frequency(terms.frequency)
    description = (terms.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InputError(f"Description trop longue ({MAX_DESCRIPTION} caractères au plus)")
    dataset, frequency, first_due_on = terms.dataset, terms.frequency, terms.first_due_on
    if first_due_on < agreement.starts_on:
        raise InputError("La première échéance précède le début de la convention")
    if agreement.ends_on is not None and first_due_on > agreement.ends_on:
        raise InputError("La première échéance suit la fin de la convention")
    target = find_dataset(session, dataset)
    event = AuditEvent(
        instance.db,
        "write/obligation",
        details={"agreement": agreement.slug, "frequency": frequency},
    )
    require(principal, Action.WRITE, target, audit=event)
    if target.organization_id != agreement.organization_id:
        raise InputError(f"« {dataset} » n'appartient pas à l'organisation de la convention")
    record = find_schema(session, SchemaRef.parse(terms.schema)) if terms.schema else None
    obligation = Obligation(
        agreement_id=agreement.id,
        dataset_id=target.id,
        schema_id=record.id if record else None,
        frequency=frequency,
        first_due_on=first_due_on,
        description=description or None,
        created_by=principal.name,
    )
    session.add(obligation)
    return obligation


def check_frequency(frequency: str) -> None:
    if frequency not in PERIODS:
        choices = ", ".join(f"{code} ({FREQUENCIES[code].lower()})" for code in PERIODS)
        raise InputError(f"Fréquence « {frequency} » impossible pour une livraison : {choices}")


def due_date(obligation: Obligation, index: int, ends_on: date | None) -> date | None:
    """The ``index``-th due date (0 is the first), or None past the agreement's end."""
    days, months = PERIODS[obligation.frequency]
    first = obligation.first_due_on
    if index and not (days or months):
        return None
    due = first + timedelta(days=days * index) if days else _add_months(first, months * index)
    return None if ends_on is not None and due > ends_on else due


def _add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, on the same day of the month or the month's last."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
