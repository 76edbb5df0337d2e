"""Citizen participation: reuses, dataset requests and comments, moderated before they show.

Public surface: the services of each module, re-exported here.
"""

from socle.core.participation.comments import AuthorKind, list_comments, post_comment
from socle.core.participation.data_requests import (
    answer_request,
    close_request,
    create_request,
    get_request,
    list_requests,
)
from socle.core.participation.fields import ContributionError
from socle.core.participation.moderation import (
    KIND_LABELS,
    STATUS_LABELS,
    Item,
    Kind,
    Status,
    approve,
    list_items,
    reject,
)
from socle.core.participation.notifications import (
    inbox,
    list_notifications,
    mark_read,
)
from socle.core.participation.reuses import ReuseEntry, get_reuse, list_reuses, propose_reuse

__all__ = [
    "KIND_LABELS",
    "STATUS_LABELS",
    "AuthorKind",
    "ContributionError",
    "Item",
    "Kind",
    "ReuseEntry",
    "Status",
    "answer_request",
    "approve",
    "close_request",
    "create_request",
    "get_request",
    "get_reuse",
    "inbox",
    "list_comments",
    "list_items",
    "list_notifications",
    "list_requests",
    "list_reuses",
    "mark_read",
    "post_comment",
    "propose_reuse",
    "reject",
]
