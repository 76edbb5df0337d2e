"""JSON views of published contributions, shared by the API and the portal.

Contact e-mails and moderation notes never appear here: they are for moderators only.
"""

from __future__ import annotations

from typing import Any

from socle.core.participation.moderation import STATUS_LABELS, Status
from socle.core.participation.reuses import ReuseEntry
from socle.core.views import dataset_link, utc_iso
from socle.governance.policy import Action, Principal, decide
from socle.storage.participation import Comment, DataRequest


def reuse_view(entry: ReuseEntry, base: str) -> dict[str, Any]:
    reuse = entry.reuse
    return {
        "id": reuse.id,
        "title": reuse.title,
        "url": reuse.url,
        "description": reuse.description,
        "image": f"{base}/reutilisations/{reuse.id}/image",
        "datasets": [dataset_link(d, base) for d in entry.datasets],
        "published_at": utc_iso(reuse.moderated_at) if reuse.moderated_at else None,
        "page": f"{base}/reutilisations/{reuse.id}",
    }


def request_view(request: DataRequest, principal: Principal, base: str) -> dict[str, Any]:
    """A published request; the dataset given in answer only if the reader may see it."""
    answered_with = request.answer_dataset
    if answered_with is not None and not decide(principal, Action.READ, answered_with).allowed:
        answered_with = None
    org = request.organization
    return {
        "id": request.id,
        "title": request.title,
        "description": request.description,
        "status": request.status,
        "status_label": STATUS_LABELS[Status(request.status)],
        "organization": {"slug": org.slug, "name": org.name} if org else None,
        "created_at": utc_iso(request.created_at),
        "answer": request.answer,
        "answered_at": utc_iso(request.answered_at) if request.answered_at else None,
        "answer_dataset": dataset_link(answered_with, base) if answered_with else None,
        "page": f"{base}/demandes/{request.id}",
    }


def comment_view(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author_name": comment.author_name or None,
        "author_kind": comment.author_kind,
        "body": comment.body,
        "created_at": utc_iso(comment.created_at),
    }
