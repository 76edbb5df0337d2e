"""From an account (and the API token a request came with) to the policy's Principal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from socle.core.shares import shares_for
from socle.governance.identity import MembershipGrant, Role, TokenGrant
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.tables import User


@dataclass(frozen=True)
class Account:
    """What the policy reads of an account, however it was loaded (a User, a token's row)."""

    user_id: str
    email: str
    is_superadmin: bool
    totp_enabled: bool
    memberships: tuple[MembershipGrant, ...]

    @classmethod
    def of(cls, user: User) -> Account:
        """``user`` must have its memberships loaded (see core.users.get_user_by_id)."""
        return cls(
            user.id,
            user.email,
            user.is_superadmin,
            user.totp_enabled,
            tuple(MembershipGrant(m.organization_id, Role(m.role)) for m in user.memberships),
        )


def principal_for(instance: Instance, user: User) -> Principal:
    """The principal of a signed-in ``user``, its shares read in a transaction of its own."""
    with instance.db.session() as session:
        return principal_of(instance, session, Account.of(user))


def principal_of(
    instance: Instance, session: Session, account: Account, token: TokenGrant | None = None
) -> Principal:
    """``account``'s principal, its shares read in ``session`` (one transaction per request
    for an API token).

    A superadmin has their powers only once their second factor is on, where the instance
    requires it.
    """
    required = instance.settings.totp_required_for_superadmins
    organizations = [m.organization_id for m in account.memberships]
    return Principal(
        name=account.email,
        is_admin=account.is_superadmin and (account.totp_enabled or not required),
        user_id=account.user_id,
        is_superadmin=account.is_superadmin,
        memberships=account.memberships,
        token=token,
        shares=shares_for(session, account.user_id, organizations),
    )
