"""``/mon-compte``: the signed-in person's account — password, second factor, API tokens.

Only a portal session manages an account: an API token cannot create tokens or change the
password of the account it belongs to.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socle.api.auth import sign_in
from socle.core import participation, totp
from socle.core.organizations import list_organizations
from socle.core.tokens import DEFAULT_DAYS, create_token, list_tokens, revoke_token, token_state
from socle.core.users import change_password, get_user_by_id
from socle.errors import InputError, NotFoundError, SocleError
from socle.governance.audit import can_read_audit
from socle.governance.identity import ROLE_LABELS_FR, SCOPE_LABELS_FR
from socle.governance.policy import ADMIN, Principal
from socle.instance import Instance
from socle.portal.flash import flash, take_flash
from socle.portal.rendering import NO_STORE, render
from socle.portal.routes._deps import InstanceDep, PrincipalDep
from socle.storage.tables import User

router = APIRouter()
ACCOUNT = "/mon-compte"
Field = Annotated[str, Form()]


class SignInRequired(Exception):
    """Not signed in through the portal: the page sends to /connexion."""


def account_owner(instance: InstanceDep, principal: PrincipalDep) -> User:
    if principal.user_id is None or principal.token is not None:
        raise SignInRequired
    user = get_user_by_id(instance, principal.user_id)
    if user is None:
        raise SignInRequired
    return user


Owner = Annotated[User, Depends(account_owner)]


async def to_sign_in(request: Request, _exc: Exception) -> Response:
    """Exception handler: back to this page (or the account page, after a form) once signed in."""
    back = request.url.path if request.method == "GET" else ACCOUNT
    return RedirectResponse(f"/connexion?{urlencode({'suivant': back})}", status_code=303)


def _back(request: Request, message: str) -> RedirectResponse:
    flash(request, message)
    return RedirectResponse(ACCOUNT, status_code=303)


def _page(
    request: Request,
    instance: Instance,
    user: User,
    principal: Principal,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    org_names = {org.id: org.name for org, _ in list_organizations(instance, ADMIN)}
    required = instance.settings.totp_required_for_superadmins
    return render(
        request,
        "account.html",
        status=status,
        headers=NO_STORE,
        user=user,
        memberships=[
            (org_names.get(m.organization_id, "?"), ROLE_LABELS_FR[m.role])
            for m in user.memberships
        ],
        totp_missing=user.is_superadmin and required and not user.totp_enabled,
        tokens=[(token, token_state(token)) for token in list_tokens(instance, user.id)],
        notifications=participation.inbox(instance, principal, limit=20),
        audit_reader=can_read_audit(principal),
        scopes=SCOPE_LABELS_FR,
        default_days=DEFAULT_DAYS,
        flash=take_flash(request),
        errors=extra.pop("errors", {}),
        **extra,
    )


@router.get(ACCOUNT, response_class=HTMLResponse)
def account_page(
    request: Request, instance: InstanceDep, principal: PrincipalDep, user: Owner
) -> Response:
    return _page(request, instance, user, principal)


@router.post(f"{ACCOUNT}/mot-de-passe", response_class=HTMLResponse)
def password(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    user: Owner,
    current: Field = "",
    new: Field = "",
    confirmation: Field = "",
) -> Response:
    try:
        if new != confirmation:
            raise InputError("Les deux saisies du nouveau mot de passe diffèrent")
        user = change_password(instance, user.id, current, new)
    except InputError as exc:
        return _page(request, instance, user, principal, 400, errors={"password": exc.message})
    sign_in(request, user)  # the new session epoch ends every other session, not this one
    return _back(request, "Mot de passe changé. Vos autres sessions ont été fermées.")


@router.post(f"{ACCOUNT}/jetons", response_class=HTMLResponse)
def new_token(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    user: Owner,
    name: Field = "",
    scope: Field = "read",
    dataset: Field = "",
    days: Field = str(DEFAULT_DAYS),
) -> Response:
    try:
        if not days.strip().isdigit():
            raise InputError("Durée de validité : un nombre de jours")
        token, secret = create_token(
            instance, user.id, name, scope, dataset=dataset.strip() or None, days=int(days)
        )
    except (InputError, NotFoundError) as exc:
        return _page(request, instance, user, principal, 400, errors={"token": exc.message})
    return render(
        request, "account_token.html", status=201, headers=NO_STORE, token=token, secret=secret
    )


@router.post(f"{ACCOUNT}/jetons/{{token_id}}/revocation")
def revoke(request: Request, token_id: str, instance: InstanceDep, user: Owner) -> Response:
    token = revoke_token(instance, token_id, user.id)
    return _back(request, f"Jeton « {token.name} » révoqué.")


@router.post(f"{ACCOUNT}/double-authentification", response_class=HTMLResponse)
def totp_begin(request: Request, instance: InstanceDep, user: Owner) -> Response:
    return _totp_page(request, instance, user, totp.begin(instance, user.id))


def _totp_page(
    request: Request, instance: Instance, user: User, secret: str, error: str | None = None
) -> HTMLResponse:
    uri = totp.provisioning_uri(secret, user.email, instance.settings.instance_name)
    return render(
        request,
        "account_totp.html",
        status=400 if error else 200,
        headers=NO_STORE,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=totp.qr_data_uri(uri),
        error=error,
    )


@router.post(f"{ACCOUNT}/double-authentification/confirmation", response_class=HTMLResponse)
def totp_confirm(
    request: Request, instance: InstanceDep, user: Owner, code: Field = ""
) -> Response:
    try:
        totp.confirm(instance, user.id, code)
    except InputError as exc:
        secret = totp.pending_secret(instance, user.id)
        if secret is None:
            raise
        return _totp_page(request, instance, user, secret, exc.message)
    return _back(request, "Double authentification activée : un code sera demandé à la connexion.")


@router.post(f"{ACCOUNT}/double-authentification/desactivation", response_class=HTMLResponse)
def totp_disable(
    request: Request,
    instance: InstanceDep,
    principal: PrincipalDep,
    user: Owner,
    current: Field = "",
) -> Response:
    try:
        totp.disable(instance, user.id, current)
    except SocleError as exc:
        return _page(request, instance, user, principal, 400, errors={"totp": exc.message})
    return _back(request, "Double authentification désactivée.")


@router.post(f"{ACCOUNT}/notifications/{{notification_id}}/lue")
def notification_read(
    request: Request,
    notification_id: str,
    instance: InstanceDep,
    principal: PrincipalDep,
    _user: Owner,
) -> Response:
    participation.mark_read(instance, principal, notification_id)
    return _back(request, "Notification marquée comme lue.")
