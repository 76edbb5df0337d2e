"""From an identity proved by an OpenID Connect provider to a Socle account.

An identity is known by its (issuer, subject) pair. On its first sign-in it is linked to the
account with the same e-mail when the provider's settings allow it, else to a new account
(no local password) when they allow that. The establishment's SIRET (ProConnect's ``siret``
claim) makes the person a member of the organization with that SIRET, with the provider's
default role; an existing membership keeps its role. Every sign-in, allowed or refused, and
every account or membership it creates is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from socle.config import OidcProvider
from socle.core.oidc import Claims, SignInFailed
from socle.core.organizations import normalize_siret
from socle.core.users import get_user_by_id, normalize_email
from socle.errors import InputError, SocleError
from socle.governance import audit
from socle.governance.policy import ANONYMOUS, Principal
from socle.instance import Instance
from socle.storage.identities import ExternalIdentity
from socle.storage.tables import Membership, Organization, User, utcnow

SIGN_IN = "auth/sign-in"


def sign_in_external(instance: Instance, provider: OidcProvider, claims: Claims) -> User:
    """The account ``claims`` signs in as (memberships loaded), or SignInFailed."""
    with instance.db.session() as session:
        identity = session.scalar(
            select(ExternalIdentity).where(
                ExternalIdentity.issuer == claims.issuer,
                ExternalIdentity.subject == claims.subject,
            )
        )
        details: dict[str, Any] = {"provider": claims.provider, "method": "oidc"}
        if identity is None:
            user, how = _first_sign_in(session, provider, claims)
            identity = ExternalIdentity(
                user=user,
                provider=claims.provider,
                issuer=claims.issuer,
                subject=claims.subject,
            )
            session.add(identity)
            details["linked"] = how
        user = identity.user
        if user.disabled_at is not None:
            raise SignInFailed(
                "Ce compte est désactivé : adressez-vous à l'administrateur de la plateforme.",
                detail=f"disabled account {user.email}",
            )
        identity.email = claims.email
        identity.last_login_at = user.last_login_at = utcnow()
        session.flush()
        principal = Principal(name=user.email, user_id=user.id)
        organization = _join_by_siret(session, provider, claims, user, principal)
        if claims.siret:
            details["siret"] = claims.siret
            details["organization"] = organization
        audit.log(session, principal, SIGN_IN, details=details)
        user_id = user.id
    signed = get_user_by_id(instance, user_id)
    assert signed is not None  # just committed
    return signed


def record_refusal(instance: Instance, provider_name: str, error: SocleError) -> None:
    """Log a refused or failed sign-in, in its own transaction (the refused one rolled back)."""
    reason = error.detail or error.type_slug
    details = {"provider": provider_name, "method": "oidc", "reason": reason}
    with instance.db.session() as session:
        audit.append(session, audit.occurrence(ANONYMOUS, SIGN_IN, allowed=False, details=details))


def _first_sign_in(session: Session, provider: OidcProvider, claims: Claims) -> tuple[User, str]:
    """The account a new identity links to, and how: ``email`` or ``created``."""
    if claims.email is None:
        raise SignInFailed(
            "Le fournisseur d'identité n'a pas transmis d'adresse électronique : impossible "
            "de vous associer à un compte.",
            detail="no email claim",
        )
    try:
        email = normalize_email(claims.email)
    except InputError as exc:
        raise SignInFailed(exc.message, detail="invalid email claim") from exc
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None:
        trusted = provider.email_linking == "trusted" or (
            provider.email_linking == "verified" and claims.email_verified
        )
        if not trusted:
            raise SignInFailed(
                f"Un compte existe déjà pour « {email} », mais ce fournisseur d'identité ne "
                "peut pas y être relié automatiquement. Connectez-vous avec votre mot de passe "
                "ou adressez-vous à l'administrateur de la plateforme.",
                detail=f"email linking refused ({provider.email_linking})",
            )
        return existing, "email"
    if not provider.create_users:
        raise SignInFailed(
            "Aucun compte de la plateforme n'est associé à cette identité ; les comptes sont "
            "créés par l'administrateur de la plateforme.",
            detail=f"no account for {email}, create_users is off",
        )
    user = User(email=email, name=claims.name[:300], password_hash=None)
    session.add(user)
    session.flush()
    audit.log(
        session,
        Principal(name=email, user_id=user.id),
        "write/user",
        details={"user": email, "created_by": f"oidc:{claims.provider}"},
    )
    return user, "created"


def _join_by_siret(
    session: Session, provider: OidcProvider, claims: Claims, user: User, principal: Principal
) -> str | None:
    """Make the user a member of the organization with the claimed SIRET; its slug, if any."""
    if not claims.siret:
        return None
    try:
        siret = normalize_siret(claims.siret)
    except InputError:
        return None
    org = session.scalar(select(Organization).where(Organization.siret == siret))
    if org is None:
        return None
    member = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == org.id
        )
    )
    if member is None:
        session.add(Membership(user_id=user.id, organization_id=org.id, role=provider.default_role))
        audit.log(
            session,
            principal,
            "write/membership",
            details={"organization": org.slug, "user": user.email, "role": provider.default_role},
        )
    return org.slug
