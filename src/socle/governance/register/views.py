"""JSON views of the register, shared by the API, the portal, the exports and the CLI.

The public view (a published register seen by someone who does not keep it) leaves out the
internal contact of each activity, its security measures, the details of its DPIA and the
DPO's name and phone: they help no one outside and some would help an attacker. Linked
datasets are listed only if the viewer may read them (the one door decides), and the public
algorithms citing an activity only if the viewer may see them (published entries, and the
drafts of the algorithm registers they keep).
"""

from __future__ import annotations

from typing import Any

from socle.core.views import utc_iso
from socle.governance.algorithms.access import visible
from socle.governance.algorithms.fields import LABELS_FR
from socle.governance.policy import Action, Principal, decide
from socle.governance.register.dpia import (
    CNIL_MANDATORY_TYPES,
    EDPB_CRITERIA,
    STATUSES,
    TRANSITIONS,
    assess,
)
from socle.governance.register.registers import CONTACT_FIELDS, Register
from socle.governance.register.vocabularies import (
    ALL_CATEGORIES,
    LEGAL_BASES,
    SECURITY_MEASURES,
    SENSITIVE_CATEGORIES,
    TRANSFER_SAFEGUARDS,
)
from socle.storage.register import ProcessingActivity

PUBLIC_CONTACTS = (
    "controller_name",
    "controller_address",
    "controller_email",
    "controller_phone",
    "dpo_address",
    "dpo_email",
)


def activity_view(
    activity: ProcessingActivity, principal: Principal, base_url: str, *, kept: bool
) -> dict[str, Any]:
    """One processing activity; ``kept`` (the viewer keeps the register) shows everything."""
    assessment = assess(activity.dpia_criteria, activity.dpia_cnil_types)
    categories = [
        {
            **c,
            "label": ALL_CATEGORIES.get(c["category"], c["category"]),
            "sensitive": c["category"] in SENSITIVE_CATEGORIES,
        }
        for c in activity.data_categories
    ]
    view: dict[str, Any] = {
        "id": activity.id,
        "slug": activity.slug,
        "name": activity.name,
        "reference": activity.reference,
        "organization": {"slug": activity.organization.slug, "name": activity.organization.name},
        "service": activity.service,
        "joint_controllers": activity.joint_controllers,
        "purpose": activity.purpose,
        "sub_purposes": activity.sub_purposes,
        "legal_basis": activity.legal_basis,
        "legal_basis_label": LEGAL_BASES.get(activity.legal_basis or ""),
        "legal_basis_detail": activity.legal_basis_detail,
        "data_subjects": activity.data_subjects,
        "data_categories": categories,
        "sensitive_data": any(c["sensitive"] for c in categories),
        "sources": activity.sources,
        "recipients": activity.recipients,
        "processors": activity.processors,
        "transfers": [
            {**t, "safeguard_label": TRANSFER_SAFEGUARDS.get(t["safeguard"], t["safeguard"])}
            for t in activity.transfers
        ],
        "datasets": [
            {
                "slug": d.slug,
                "title": d.title,
                "personal_data": bool(d.personal_data),
                "access": d.access,
                "portal": f"{base_url}/jeux-de-donnees/{d.slug}",
            }
            for d in activity.datasets
            if decide(principal, Action.READ, d).allowed
        ],
        "algorithms": [
            {
                "slug": a.slug,
                "name": a.name,
                "status": a.status,
                "status_label": LABELS_FR[a.status],
                "portal": f"{base_url}/algorithmes/{a.slug}",
                "api": f"{base_url}/api/v1/algorithms/{a.slug}",
            }
            for a in activity.algorithms
            if visible(principal, a)
        ],
        "dpia": {
            "required": assessment.required,
            "status": activity.dpia_status,
            "status_label": STATUSES[activity.dpia_status],
        },
        "updated_at": utc_iso(activity.updated_at),
        "links": {
            "self": f"{base_url}/api/v1/register/{activity.slug}",
            "portal": f"{base_url}/registre/{activity.slug}",
        },
    }
    if kept:
        view["contact"] = {"name": activity.contact_name, "email": activity.contact_email}
        view["security_measures"] = [
            {"code": code, "label": label, "text": activity.security_measures[code]}
            for code, label in SECURITY_MEASURES.items()
            if code in activity.security_measures
        ]
        view["dpia"].update(
            reasons=assessment.reasons,
            criteria=[{"code": c, "label": EDPB_CRITERIA[c]} for c in assessment.criteria],
            cnil_types=[
                {"code": t, "label": CNIL_MANDATORY_TYPES[t]} for t in assessment.cnil_types
            ],
            next_statuses=sorted(TRANSITIONS[activity.dpia_status]),
            opinion=activity.dpia_opinion,
            opinion_date=activity.dpia_opinion_date.isoformat()
            if activity.dpia_opinion_date
            else None,
            action_plan=activity.dpia_action_plan,
        )
        view["created_at"] = utc_iso(activity.created_at)
        view["created_by"] = activity.created_by
        view["updated_by"] = activity.updated_by
    return view


def register_view(register: Register, principal: Principal, base_url: str) -> dict[str, Any]:
    """An organization's register: its contacts and its activities, as the viewer may see."""
    shown = CONTACT_FIELDS if register.kept else PUBLIC_CONTACTS
    return {
        "organization": {"slug": register.organization.slug, "name": register.organization.name},
        "published": register.settings.published,
        "kept": register.kept,
        "contacts": {name: getattr(register.settings, name) for name in shown},
        "activities": [
            activity_view(a, principal, base_url, kept=register.kept) for a in register.activities
        ],
        "links": {
            "portal": f"{base_url}/organisations/{register.organization.slug}/registre",
            "xlsx": f"{base_url}/api/v1/organizations/{register.organization.slug}/register.xlsx",
            "ods": f"{base_url}/api/v1/organizations/{register.organization.slug}/register.ods",
        },
    }
