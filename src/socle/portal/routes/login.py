"""``/connexion`` (password, then the TOTP code when enabled) and ``/deconnexion``."""

from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socle.api.auth import sign_in, sign_out
from socle.core import totp
from socle.core.users import LoginFailed, authenticate
from socle.portal.rendering import NO_STORE, render, signed_in
from socle.portal.routes._deps import BaseUrl, InstanceDep
from socle.portal.routes._next import safe_next
from socle.portal.routes.oidc import buttons
from socle.portal.routes.oidc_logout import provider_logout

router = APIRouter()
# How long the code step may wait after the password step.
PENDING_SECONDS = 300

Field = Annotated[str, Form()]
Next = Annotated[str, Form()]


def _go(target: str) -> RedirectResponse:
    return RedirectResponse(safe_next(target), status_code=303)


@router.get("/connexion", response_class=HTMLResponse)
def login_page(request: Request, suivant: str = "/") -> Response:
    if signed_in(request) is not None:
        return _go(suivant)
    return render(
        request,
        "login.html",
        headers=NO_STORE,
        next=safe_next(suivant),
        email="",
        providers=buttons(request, suivant),
    )


@router.post("/connexion", response_class=HTMLResponse)
def login(
    request: Request,
    instance: InstanceDep,
    email: Field = "",
    password: Field = "",
    suivant: Next = "/",
) -> Response:
    try:
        user = authenticate(instance, email, password)
    except LoginFailed as exc:
        return render(
            request,
            "login.html",
            status=400,
            headers=NO_STORE,
            next=safe_next(suivant),
            email=email[:254],
            error=exc.message,
            providers=buttons(request, suivant),
        )
    if user.totp_enabled:
        sign_out(request)
        request.session.update(pending=user.id, pending_at=int(time.time()))
        query = urlencode({"suivant": safe_next(suivant)})
        return RedirectResponse(f"/connexion/code?{query}", status_code=303)
    sign_in(request, user)
    return _go(suivant)


def _pending(request: Request) -> str | None:
    """The account waiting for its second factor, if the password step is recent."""
    user_id = request.session.get("pending")
    started = request.session.get("pending_at", 0)
    if not isinstance(user_id, str) or time.time() - float(started) > PENDING_SECONDS:
        return None
    return user_id


@router.get("/connexion/code", response_class=HTMLResponse)
def code_page(request: Request, suivant: str = "/") -> Response:
    if _pending(request) is None:
        return RedirectResponse("/connexion", status_code=303)
    return render(request, "login_code.html", headers=NO_STORE, next=safe_next(suivant))


@router.post("/connexion/code", response_class=HTMLResponse)
def code(
    request: Request, instance: InstanceDep, code: Field = "", suivant: Next = "/"
) -> Response:
    user_id = _pending(request)
    if user_id is None:
        return RedirectResponse("/connexion", status_code=303)
    try:
        user = totp.verify_sign_in(instance, user_id, code)
    except LoginFailed as exc:
        return render(
            request,
            "login_code.html",
            status=400,
            headers=NO_STORE,
            next=safe_next(suivant),
            error=exc.message,
        )
    sign_in(request, user)
    return _go(suivant)


@router.post("/deconnexion")
def logout(request: Request, base: BaseUrl) -> Response:
    # Ends the session, and offers to end the identity provider's one if it came from one.
    return provider_logout(request, base) or RedirectResponse("/", status_code=303)
