"""Comments on datasets: anyone may write one; it shows once a moderator approves it.

``author_kind`` tells a visitor's message from the organization's reply; replies come with
accounts, the model already carries the mark.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from socle.core.catalog import get_entry
from socle.core.participation._datasets import readable
from socle.core.participation.fields import Problems
from socle.core.participation.moderation import Status
from socle.core.participation.notifications import notify
from socle.errors import NotFoundError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.participation import Comment

MAX_BODY = 2000
MAX_NAME = 100


class AuthorKind(StrEnum):
    PUBLIC = "public"
    ORGANIZATION = "organization"


def post_comment(
    instance: Instance,
    principal: Principal,
    slug: str,
    *,
    body: str | None,
    author_name: str | None = None,
    contact_email: str | None = None,
    author_kind: AuthorKind = AuthorKind.PUBLIC,
) -> Comment:
    """Record a pending comment on a dataset the writer may see, and tell its organization."""
    problems = Problems()
    body = problems.text("body", body, "Commentaire", MAX_BODY, multiline=True)
    name = problems.text("author_name", author_name, "Nom ou pseudonyme", MAX_NAME, required=False)
    email = problems.email("contact_email", contact_email, "Adresse électronique")
    with instance.db.session() as session:
        dataset = readable(session, principal, slug)
        if dataset is None:
            raise NotFoundError(f"Jeu de données « {slug} » introuvable")
        problems.raise_if_any()
        comment = Comment(
            dataset=dataset,
            body=body,
            author_name=name,
            author_kind=author_kind.value,
            contact_email=email,
        )
        session.add(comment)
        session.flush()
        notify(
            session,
            "comment_posted",
            "comment",
            comment.id,
            f"Commentaire sur « {dataset.title} » : {body[:200]}",
            dataset=dataset,
        )
    return comment


def list_comments(instance: Instance, principal: Principal, slug: str) -> list[Comment]:
    """A readable dataset's published comments, oldest first (a conversation)."""
    dataset_id = get_entry(instance, principal, slug).dataset.id
    with instance.db.session() as session:
        return list(
            session.scalars(
                select(Comment)
                .where(Comment.dataset_id == dataset_id, Comment.status == Status.APPROVED.value)
                .order_by(Comment.created_at, Comment.id)
            )
        )
