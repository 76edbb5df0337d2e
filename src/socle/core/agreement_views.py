"""JSON views of agreements, obligations and deliveries, shared by the API, the portal and
the CLI, so a page and its JSON twin cannot drift apart."""

from __future__ import annotations

from typing import Any

from socle.core.agreements import STATUS_LABELS_FR as AGREEMENT_LABELS_FR
from socle.core.agreements import follows_organization, manages
from socle.core.deliveries import STATUS_LABELS_FR, BoardRow
from socle.core.views import utc_iso
from socle.core.vocabularies import FREQUENCIES
from socle.governance.policy import Action, Principal, decide
from socle.storage.deliveries import Delivery
from socle.storage.tables import Agreement


def agreement_view(
    agreement: Agreement, principal: Principal, rows: list[BoardRow] | None = None
) -> dict[str, Any]:
    """An agreement with its clauses and the covered datasets ``principal`` may read (the
    others do not exist for them); its obligations when given, each naming the dataset
    the partner delivers."""
    owner_side = follows_organization(principal, agreement.organization_id) or manages(
        principal, agreement
    )
    view: dict[str, Any] = {
        "slug": agreement.slug,
        "title": agreement.title,
        "organization": agreement.organization.slug,
        "partner": agreement.partner.slug,
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else None,
        "status": agreement.status,
        "status_label": AGREEMENT_LABELS_FR[agreement.status],
        "clauses": {
            "purpose": agreement.purpose,
            "legal_basis": agreement.legal_basis,
            "hosting": agreement.hosting,
        },
        "datasets": [
            {
                "slug": c.dataset.slug,
                "columns": c.columns,
                # The row filter stays unsaid to the partner, as in error messages.
                "rows": c.rows if owner_side else None,
                "rows_restricted": c.rows is not None,
            }
            for c in agreement.datasets
            if decide(principal, Action.READ, c.dataset).allowed
        ],
    }
    if rows is not None:
        view["obligations"] = [obligation_view(row) for row in rows]
    return view


def obligation_view(row: BoardRow) -> dict[str, Any]:
    """An obligation, where it stands and its latest delivery."""
    o = row.obligation
    return {
        "id": o.id,
        "agreement": o.agreement.slug,
        "partner": o.agreement.partner.slug,
        "dataset": o.dataset.slug,
        "schema": f"{o.schema.name}@{o.schema.version}" if o.schema else None,
        "frequency": o.frequency,
        "frequency_label": FREQUENCIES[o.frequency],
        "first_due_on": o.first_due_on.isoformat(),
        "next_due_on": row.next_due_on.isoformat() if row.next_due_on else None,
        "description": o.description,
        "status": row.status,
        "status_label": STATUS_LABELS_FR[row.status],
        "latest_delivery": delivery_view(row.latest) if row.latest else None,
    }


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    """A delivery (its version loaded): who, when, for which due date, with what result."""
    return {
        "id": delivery.id,
        "delivered_by": delivery.delivered_by,
        "delivered_at": utc_iso(delivery.delivered_at),
        "due_on": delivery.due_on.isoformat() if delivery.due_on else None,
        "version": delivery.version.number,
        "valid": delivery.valid,
        "validation": delivery.validation,
    }
