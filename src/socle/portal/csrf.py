"""CSRF protection of the portal's forms: a synchronizer token kept in the session.

Every portal form carries the token in a hidden field; :func:`check_csrf`, a dependency of
the whole portal router, refuses any POST whose field does not match the session's token
(403), so a new form cannot forget it. It also bounds the size of a form.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from socle.errors import ForbiddenError, LimitExceededError

FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 64 * 1024


def csrf_token(request: Request) -> str:
    """The session's token, created the first time a form needs it."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise LimitExceededError(
            f"Formulaire trop volumineux : {MAX_FORM_BYTES // 1024} Ko au plus"
        )
    sent = (await request.form()).get(FIELD)
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise ForbiddenError(
            "Ce formulaire a expiré ou ne vient pas de ce site (jeton de sécurité absent ou "
            "invalide). Rechargez la page et recommencez."
        )
