"""Local accounts: creation, passwords, sign-in with lockout, disabling.

Every failed sign-in answers the same thing — unknown address, wrong password, locked or
disabled account — so that the answer never tells whether an account exists.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from socle.core.passwords import check_policy, hash_password, verify_password
from socle.errors import ConflictError, InputError, NotFoundError, UnauthorizedError
from socle.instance import Instance
from socle.storage.tables import User, as_utc, utcnow

MAX_EMAIL = 254
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")


class LoginFailed(UnauthorizedError):
    """One message for every failed sign-in, which says how lockout works."""

    def __init__(self, instance: Instance) -> None:
        settings = instance.settings
        super().__init__(
            "Adresse électronique ou mot de passe incorrect. Après "
            f"{settings.login_max_failures} échecs consécutifs, le compte est bloqué "
            f"{settings.login_lockout_minutes:g} minutes."
        )

    def headers(self) -> dict[str, str]:
        return {}


def normalize_email(value: str) -> str:
    """The address as stored: trimmed, lower-cased, checked for the shape of an address."""
    email = value.strip().lower()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        shown = email if len(email) <= 60 else email[:57] + "…"
        raise InputError(f"Adresse électronique invalide : « {shown} »")
    return email


def create_user(
    instance: Instance, email: str, password: str, *, name: str = "", superadmin: bool = False
) -> User:
    email = normalize_email(email)
    check_policy(password, email)
    with instance.db.session() as session:
        if session.scalar(select(User.id).where(User.email == email)):
            raise ConflictError(f"Un compte existe déjà pour « {email} »")
        user = User(
            email=email,
            name=name.strip()[:300],
            password_hash=hash_password(password),
            is_superadmin=superadmin,
        )
        session.add(user)
    return user


def get_user(instance: Instance, email: str) -> User:
    with instance.db.session() as session:
        return _find(session, normalize_email(email))


def get_user_by_id(instance: Instance, user_id: str) -> User | None:
    """The account with its memberships loaded, or None if it no longer exists."""
    with instance.db.session() as session:
        return session.scalar(
            select(User).where(User.id == user_id).options(selectinload(User.memberships))
        )


def list_users(instance: Instance) -> list[User]:
    with instance.db.session() as session:
        query = select(User).options(selectinload(User.memberships)).order_by(User.email)
        return list(session.scalars(query))


def set_disabled(instance: Instance, email: str, disabled: bool) -> User:
    """Disable (every session and token stops working at once) or enable an account."""
    with instance.db.session() as session:
        user = _find(session, normalize_email(email))
        user.disabled_at = utcnow() if disabled else None
        user.session_epoch += 1
    return user


def set_password(instance: Instance, email: str, password: str) -> User:
    """A new password: other sessions end, the lockout is lifted."""
    with instance.db.session() as session:
        user = _find(session, normalize_email(email))
        check_policy(password, user.email)
        user.password_hash = hash_password(password)
        user.session_epoch += 1
        user.failed_logins = 0
        user.locked_until = None
    return user


def change_password(instance: Instance, user_id: str, current: str, new: str) -> User:
    """The account's owner changes their password, proving they know the current one."""
    user = get_user_by_id(instance, user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise InputError("Mot de passe actuel incorrect")
    return set_password(instance, user.email, new)


def authenticate(instance: Instance, email: str, password: str) -> User:
    """The account if the password is right and the account usable; else LoginFailed.

    With a second factor on, the caller must then check a code (core.totp.verify_sign_in).

    Failures are counted even while locked; ``login_max_failures`` in a row lock the
    account for ``login_lockout_minutes``.
    """
    try:
        address: str | None = normalize_email(email)
    except InputError:
        address = None
    with instance.db.session() as session:
        user = _find_or_none(session, address)
        valid = verify_password(user.password_hash if user else None, password)
        if user is None:
            raise LoginFailed(instance)
        if valid and usable(user):
            if not user.totp_enabled:  # else the second factor completes the sign-in
                user.failed_logins = 0
                user.last_login_at = utcnow()
            return user
        record_failure(instance, user)
    raise LoginFailed(instance)


def usable(user: User) -> bool:
    """Neither disabled nor locked."""
    locked = user.locked_until is not None and as_utc(user.locked_until) > utcnow()
    return user.disabled_at is None and not locked


def record_failure(instance: Instance, user: User) -> None:
    """Count a failed proof (password or second factor) on an account loaded in a session."""
    settings = instance.settings
    user.failed_logins += 1
    if user.failed_logins >= settings.login_max_failures:
        user.locked_until = utcnow() + timedelta(minutes=settings.login_lockout_minutes)
        user.failed_logins = 0


def _find_or_none(session: Session, email: str | None) -> User | None:
    if email is None:
        return None
    return session.scalar(select(User).where(User.email == email))


def _find(session: Session, email: str) -> User:
    user = _find_or_none(session, email)
    if user is None:
        raise NotFoundError(f"Aucun compte pour « {email} »")
    return user
