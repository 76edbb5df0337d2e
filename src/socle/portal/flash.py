"""One-shot messages for the page a form redirects to (post, redirect, get): what was done,
or why it was refused. Kept in the session until that page takes them."""

from __future__ import annotations

from starlette.requests import Request

DONE, REFUSED = "flash", "flash_error"


def flash(request: Request, message: str, *, error: bool = False) -> None:
    """Keep ``message`` for the next page (``error``: as a refusal)."""
    request.session[REFUSED if error else DONE] = message


def take_flash(request: Request, *, error: bool = False) -> str | None:
    """The message kept for this page, if any, which it shows once."""
    message: str | None = request.session.pop(REFUSED if error else DONE, None)
    return message
