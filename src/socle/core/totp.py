"""TOTP second factor (RFC 6238, as authenticator apps use it): enabling, checking, disabling.

A secret is pending until a first valid code confirms it. A code is accepted once only (its
time step is remembered) and within one step of drift either way. Wrong codes at sign-in
count towards the account's lockout like wrong passwords.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno
from sqlalchemy.orm import Session

from socle.core.passwords import verify_password
from socle.core.users import LoginFailed, record_failure, usable
from socle.errors import ConflictError, InputError, NotFoundError
from socle.instance import Instance
from socle.storage.tables import User, utcnow

STEP_SECONDS = 30
DRIFT_STEPS = 1


def begin(instance: Instance, user_id: str) -> str:
    """A new pending secret for the user (replacing any earlier pending one)."""
    with instance.db.session() as session:
        user = _user(session, user_id)
        if user.totp_enabled:
            raise ConflictError("La double authentification est déjà activée")
        user.totp_secret = pyotp.random_base32()
        return user.totp_secret


def pending_secret(instance: Instance, user_id: str) -> str | None:
    with instance.db.session() as session:
        user = _user(session, user_id)
        return None if user.totp_enabled else user.totp_secret


def confirm(instance: Instance, user_id: str, code: str) -> None:
    """Enable the pending secret if ``code`` comes from it."""
    with instance.db.session() as session:
        user = _user(session, user_id)
        if user.totp_enabled or not user.totp_secret:
            raise ConflictError("Aucune activation en cours : recommencez depuis « Mon compte »")
        if not _accept(user, code):
            raise InputError(
                "Code incorrect : saisissez le code à 6 chiffres affiché par l'application"
            )
        user.totp_enabled = True


def disable(instance: Instance, user_id: str, password: str) -> None:
    with instance.db.session() as session:
        user = _user(session, user_id)
        if not verify_password(user.password_hash, password):
            raise InputError("Mot de passe incorrect")
        user.totp_enabled = False
        user.totp_secret = None
        user.totp_last_step = None


def verify_sign_in(instance: Instance, user_id: str, code: str) -> User:
    """Second step of signing in: the account if the code is right, else LoginFailed."""
    with instance.db.session() as session:
        user = _user(session, user_id)
        if usable(user) and user.totp_enabled and _accept(user, code):
            user.failed_logins = 0
            user.last_login_at = utcnow()
            return user
        record_failure(instance, user)
    raise LoginFailed(instance)


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The provisioning URI as an SVG QR code, for an <img> the CSP allows (data:)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _accept(user: User, code: str) -> bool:
    """Whether ``code`` is valid now for the user's secret and not a replay; records its step."""
    code = code.replace(" ", "")
    if not user.totp_secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = int(time.time()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            user.totp_last_step = step
            return True
    return False


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("Compte introuvable")
    return user
