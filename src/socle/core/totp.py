"""TOTP second factor (RFC 6238, as authenticator apps use it): enabling, checking, disabling.

A secret is pending until a first valid code confirms it. A code is accepted once only (its
time step is remembered) and within one step of drift either way. Wrong codes at sign-in
count towards the account's lockout like wrong passwords. Secrets are stored sealed
(governance.secrets, purpose ``PURPOSE``); one stored before that is sealed when next used.
"""

from __future__ import annotations

import hmac
import time

import pyotp
import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from socle.core.passwords import verify_password
from socle.core.users import LoginFailed, record_failure, usable
from socle.errors import ConflictError, InputError, NotFoundError
from socle.governance import audit
from socle.governance.policy import Principal
from socle.governance.secrets import SecretBox, resealed, reveal
from socle.instance import Instance
from socle.storage.tables import User, utcnow

STEP_SECONDS = 30
DRIFT_STEPS = 1
PURPOSE = "users.totp_secret"


def begin(instance: Instance, user_id: str) -> str:
    """A new pending secret for the user (replacing any earlier pending one)."""
    box = SecretBox.from_settings(instance.settings)
    with instance.db.session() as session:
        user = _user(session, user_id)
        if user.totp_enabled:
            raise ConflictError("La double authentification est déjà activée")
        secret = pyotp.random_base32()
        user.totp_secret = box.seal(secret, PURPOSE)
        return secret


def pending_secret(instance: Instance, user_id: str) -> str | None:
    with instance.db.session() as session:
        user = _user(session, user_id)
        if user.totp_enabled or not user.totp_secret:
            return None
        return reveal(instance.settings, user.totp_secret, PURPOSE)


def confirm(instance: Instance, user_id: str, code: str) -> None:
    """Enable the pending secret if ``code`` comes from it."""
    with instance.db.session() as session:
        user = _user(session, user_id)
        if user.totp_enabled or not user.totp_secret:
            raise ConflictError("Aucune activation en cours : recommencez depuis « Mon compte »")
        if not _accept(instance, user, code):
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
        if usable(user) and user.totp_enabled and _accept(instance, user, code):
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


def _accept(instance: Instance, user: User, code: str) -> bool:
    """Whether ``code`` is valid now for the user's secret and not a replay; records its step."""
    code = code.replace(" ", "")
    if not user.totp_secret or len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    secret = reveal(instance.settings, user.totp_secret, PURPOSE)
    user.totp_secret = resealed(instance.settings, user.totp_secret, PURPOSE) or user.totp_secret
    totp = pyotp.TOTP(secret)
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


def seal_stored(instance: Instance, principal: Principal) -> int:
    """Seal every stored TOTP secret with the first key of SOCLE_SECRET_KEY (those in clear
    and those sealed with an older key); the number of secrets rewritten."""
    box = SecretBox.from_settings(instance.settings)
    with instance.db.session() as session:
        users = session.scalars(select(User).where(User.totp_secret.is_not(None))).all()
        for user in users:
            assert user.totp_secret is not None
            user.totp_secret = box.seal(box.open(user.totp_secret, PURPOSE), PURPOSE)
        audit.log(session, principal, "write/secrets", details={"totp_secrets": len(users)})
        return len(users)
