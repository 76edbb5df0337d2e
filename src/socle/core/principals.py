"""From an account (and the API token a request came with) to the policy's Principal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from socle.core.shares import shares_for
from socle.governance.identity import MembershipGrant, Role, Scope, TokenGrant
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.storage.tables import ApiToken, User


def principal_for(
    instance: Instance,
    user: User,
    token: ApiToken | None = None,
    *,
    session: Session | None = None,
) -> Principal:
    """``user`` must have its memberships loaded (see core.users.get_user_by_id); the shares
    are read in ``session`` when given (one transaction per request for an API token).

    A superadmin has their powers only once their second factor is on, where the instance
    requires it.
    """
    required = instance.settings.totp_required_for_superadmins
    grant = None
    if token is not None:
        grant = TokenGrant(
            token_id=token.id,
            scope=Scope(token.scope),
            dataset_id=token.dataset_id,
            organization_id=token.organization_id,
        )
    organizations = [m.organization_id for m in user.memberships]
    if session is not None:
        shares = shares_for(session, user.id, organizations)
    else:
        with instance.db.session() as own:
            shares = shares_for(own, user.id, organizations)
    return Principal(
        name=user.email,
        is_admin=user.is_superadmin and (user.totp_enabled or not required),
        user_id=user.id,
        is_superadmin=user.is_superadmin,
        memberships=tuple(
            MembershipGrant(m.organization_id, Role(m.role)) for m in user.memberships
        ),
        token=grant,
        shares=shares,
    )
