"""INTERIM cross-site request forgery (CSRF) protection of the participation forms: a signed
double-submit token.

Isolated on purpose. The accounts work (feat/identity) brings the portal's one CSRF
mechanism, a token kept in the session and checked for every POST; when it lands, the
participation forms use it and this module is deleted. Until then: the page sets a random
value in a strictly necessary cookie (HttpOnly, SameSite=Strict) and puts the same value,
signed, in a hidden field; a post must bring both, matching. Another site can neither read
the cookie nor forge the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from fastapi import Request
from fastapi.responses import Response

from socle.errors import SocleError
from socle.portal.antiabuse import SECRET

COOKIE = "socle_formulaire"
FIELD = "jeton"
RAW = re.compile(r"^[A-Za-z0-9_-]{32}$")


class FormTokenError(SocleError):
    status = 403
    type_slug = "forbidden"
    title = "Envoi refusé"


def _sign(raw: str) -> str:
    return hmac.new(SECRET, b"form-token:" + raw.encode(), hashlib.sha256).hexdigest()


def raw_token(request: Request) -> str:
    """The visitor's cookie value, or a new one (kept so several open tabs all work)."""
    existing = request.cookies.get(COOKIE, "")
    return existing if RAW.fullmatch(existing) else secrets.token_urlsafe(24)


def field_value(raw: str) -> str:
    return f"{raw}.{_sign(raw)}"


def set_cookie(request: Request, response: Response, raw: str) -> None:
    response.set_cookie(
        COOKIE,
        raw,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def check(request: Request, form: dict[str, str]) -> None:
    raw, _, signature = form.get(FIELD, "").partition(".")
    cookie = request.cookies.get(COOKIE, "")
    if not (
        RAW.fullmatch(raw)
        and hmac.compare_digest(raw, cookie)
        and hmac.compare_digest(signature, _sign(raw))
    ):
        raise FormTokenError(
            "Ce formulaire a expiré ou ne vient pas de ce site (jeton de sécurité absent ou "
            "invalide). Rechargez la page et recommencez."
        )
