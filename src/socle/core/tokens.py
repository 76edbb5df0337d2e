"""Personal API tokens: created by a user for themselves, scoped, expiring, revocable.

The secret is shown once at creation; only its SHA-256 is stored (the secret is 256 random
bits, so a fast hash is enough). The ``socle_`` prefix lets secret scanners spot leaks.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import selectinload

from socle.core.principals import Account, principal_for, principal_of
from socle.errors import InputError, NotFoundError, UnauthorizedError
from socle.governance.identity import MembershipGrant, Role, Scope, TokenGrant
from socle.governance.policy import Action, Principal, require
from socle.instance import Instance
from socle.storage.tables import (
    ApiToken,
    Dataset,
    Membership,
    Organization,
    User,
    as_utc,
    utcnow,
)

PREFIX = "socle_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
MAX_TOKEN_LENGTH = 100
# Recording every use would write on every request: once a minute is enough to tell.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def parse_scope(value: str) -> Scope:
    try:
        return Scope(value)
    except ValueError:
        raise InputError(
            f"Portée « {value} » inconnue ; portées possibles : read, write, admin"
        ) from None


def create_token(
    instance: Instance,
    user_id: str,
    name: str,
    scope: str,
    *,
    dataset: str | None = None,
    organization: str | None = None,
    days: int = DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """The stored token and its secret, which is never available again."""
    parsed = parse_scope(scope)
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("Nom du jeton requis (200 caractères au plus), pour le reconnaître")
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"Durée de validité : de 1 à {MAX_DAYS} jours")
    if dataset and organization:
        raise InputError(
            "Un jeton se limite à un jeu de données ou à une organisation, pas aux deux"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    with instance.db.session() as session:
        user = session.scalar(
            select(User).where(User.id == user_id).options(selectinload(User.memberships))
        )
        if user is None:
            raise NotFoundError("Compte introuvable")
        token = ApiToken(
            user_id=user.id,
            name=name,
            prefix=secret[: len(PREFIX) + 6],
            token_hash=_digest(secret),
            scope=parsed.value,
            expires_at=utcnow() + timedelta(days=days),
        )
        if dataset:
            found = session.scalar(select(Dataset).where(Dataset.slug == dataset))
            if found is None:
                raise NotFoundError(f"Jeu de données « {dataset} » introuvable")
            require(principal_for(instance, user), Action.READ, found)
            token.dataset_id = found.id
        if organization:
            org = session.scalar(select(Organization).where(Organization.slug == organization))
            if org is None:
                raise NotFoundError(f"Organisation « {organization} » introuvable")
            token.organization_id = org.id
        session.add(token)
    return token, secret


def list_tokens(instance: Instance, user_id: str | None = None) -> list[ApiToken]:
    """A user's tokens (every user's when None), newest first, revoked ones included."""
    query = (
        select(ApiToken)
        .options(
            selectinload(ApiToken.user),
            selectinload(ApiToken.dataset),
            selectinload(ApiToken.organization),
        )
        .order_by(ApiToken.created_at.desc())
    )
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    with instance.db.session() as session:
        return list(session.scalars(query))


def revoke_token(instance: Instance, token_id: str, user_id: str | None = None) -> ApiToken:
    """Revoke for good; ``user_id`` limits it to that user's own tokens."""
    with instance.db.session() as session:
        token = session.get(ApiToken, token_id)
        if token is None or (user_id is not None and token.user_id != user_id):
            raise NotFoundError(f"Jeton « {token_id} » introuvable")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    return token


# The token, its user and their memberships (one row per membership) as columns, the
# statement built once: every API call with a token runs it (bench/policy.py).
_TOKEN = (
    select(
        ApiToken.id.label("token_id"),
        ApiToken.scope,
        ApiToken.dataset_id,
        ApiToken.organization_id.label("token_organization_id"),
        ApiToken.expires_at,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
        User.id.label("user_id"),
        User.email,
        User.is_superadmin,
        User.totp_enabled,
        User.disabled_at,
        Membership.organization_id,
        Membership.role,
    )
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"))
)


def resolve_token(instance: Instance, secret: str) -> Principal:
    """Who the request's token stands for, or UnauthorizedError.

    Every API call with a token pays this: one transaction, one query for the token, its
    user and their memberships, two for the shares (bench/policy.py measures it).
    """
    if not secret.startswith(PREFIX) or len(secret) > MAX_TOKEN_LENGTH:
        raise UnauthorizedError("Jeton d'API invalide")
    now = utcnow()
    with instance.db.session() as session:
        rows = session.execute(_TOKEN, {"digest": _digest(secret)}).all()
        token = rows[0] if rows else None
        if token is None or token.disabled_at is not None:
            raise UnauthorizedError("Jeton d'API invalide")
        if token.revoked_at is not None:
            raise UnauthorizedError("Jeton d'API révoqué")
        if as_utc(token.expires_at) <= now:
            raise UnauthorizedError("Jeton d'API expiré")
        if token.last_used_at is None or now - as_utc(token.last_used_at) > LAST_USED_RESOLUTION:
            session.execute(
                update(ApiToken).where(ApiToken.id == token.token_id).values(last_used_at=now)
            )
        account = Account(
            token.user_id,
            token.email,
            token.is_superadmin,
            token.totp_enabled,
            tuple(
                MembershipGrant(row.organization_id, Role(row.role))
                for row in rows
                if row.organization_id is not None
            ),
        )
        grant = TokenGrant(
            token_id=token.token_id,
            scope=Scope(token.scope),
            dataset_id=token.dataset_id,
            organization_id=token.token_organization_id,
        )
        return principal_of(instance, session, account, grant)


def token_state(token: ApiToken) -> str:
    """« actif », « révoqué » or « expiré », as listings show it."""
    if token.revoked_at is not None:
        return "révoqué"
    return "expiré" if as_utc(token.expires_at) <= utcnow() else "actif"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
