"""Who is asking: an API token (``Authorization: Bearer``), a portal session, or nobody.

Portal sessions live in a signed cookie (Starlette's SessionMiddleware: HttpOnly,
SameSite=Lax, Secure unless configured otherwise). The cookie carries the account id, the
account's session epoch (bumped by a password change or disabling, which ends older
sessions), the sign-in time (sessions end ``session_max_hours`` after it; the cookie itself
expires after ``session_idle_minutes`` without a request) and the CSRF token.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from fastapi import FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware

from socle.config import Settings
from socle.core.principals import principal_for
from socle.core.tokens import resolve_token
from socle.core.users import get_user_by_id
from socle.errors import UnauthorizedError
from socle.governance.policy import ANONYMOUS, Principal
from socle.instance import Instance
from socle.storage.tables import User

SESSION_COOKIE = "socle_session"
KEY_FILE = "session-signing-key"


def install_sessions(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=signing_key(settings),
        session_cookie=SESSION_COOKIE,
        max_age=max(1, round(settings.session_idle_minutes * 60)),
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )


def signing_key(settings: Settings) -> str:
    """The configured key, else the instance's own, created on first start (mode 0600)."""
    if settings.session_signing_key is not None:
        return settings.session_signing_key.get_secret_value()
    path = Path(settings.home) / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as file:
        key = secrets.token_urlsafe(48)
        file.write(key)
    return key


def current_principal(request: Request) -> Principal:
    """The request's principal, resolved once per request."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is None:
        cached = _resolve(request)
        request.state.principal = cached
    return cached


def sign_in(request: Request, user: User) -> None:
    """A fresh session for ``user`` (a new CSRF token too: no fixation across sign-in)."""
    request.session.clear()
    request.session.update(uid=user.id, epoch=user.session_epoch, auth_at=int(time.time()))
    request.state.principal = None


def sign_out(request: Request) -> None:
    request.session.clear()
    request.state.principal = None


def _resolve(request: Request) -> Principal:
    instance: Instance = request.app.state.instance
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise UnauthorizedError("En-tête Authorization attendu : « Bearer <jeton d'API> »")
        return resolve_token(instance, secret.strip())
    session = request.scope.get("session") or {}
    user_id = session.get("uid")
    if not isinstance(user_id, str):
        return ANONYMOUS
    account = get_user_by_id(instance, user_id)
    max_age = instance.settings.session_max_hours * 3600
    if (
        account is None
        or account.disabled_at is not None
        or session.get("epoch") != account.session_epoch
        or time.time() - float(session.get("auth_at", 0)) > max_age
    ):
        sign_out(request)
        return ANONYMOUS
    return principal_for(instance, account)
