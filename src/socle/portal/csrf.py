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
# A form with a file (the reuse image, 2 MB at most) and its fields.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024 + MAX_FORM_BYTES


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
    upload = request.headers.get("content-type", "").startswith("multipart/form-data")
    limit = MAX_UPLOAD_BYTES if upload else MAX_FORM_BYTES
    length = request.headers.get("content-length", "")
    # Browsers always give the length; a body without one could be of any size.
    if not length.isdigit() or int(length) > limit:
        raise LimitExceededError(f"Formulaire trop volumineux : {limit // 1024} Ko au plus")
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
