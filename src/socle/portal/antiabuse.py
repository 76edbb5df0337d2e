"""Anti-abuse for the participation forms, without tracking anyone.

- a trap field hidden from people (robots fill every field);
- a minimum fill time, from a start time the page signs (robots post at once);
- a per-IP rate limit kept in memory only: the address is hashed with a secret drawn when
  the process starts, never stored nor logged, and forgotten after the window.

None of this sets a cookie. The per-process secret means a restart forgets everything (and
invalidates forms opened before it: they say so and are simply sent again).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import Request

from socle.errors import InputError, SocleError

SECRET = secrets.token_bytes(32)
TRAP_FIELD = "site_web"
STARTED_FIELD = "debut"
MAX_FORM_AGE = 24 * 3600
WINDOW_SECONDS = 600


class TooManyContributionsError(SocleError):
    """Too many contributions from one address in the window; retry later."""

    status = 429
    type_slug = "too-many-requests"
    title = "Trop d'envois"
    retryable = True


@dataclass(frozen=True)
class Guard:
    """What a form carries to be checked when it comes back (``token``: against CSRF)."""

    started: str
    token_name: str
    token: str
    started_field: str = STARTED_FIELD
    trap_field: str = TRAP_FIELD


def _sign(text: str) -> str:
    return hmac.new(SECRET, text.encode(), hashlib.sha256).hexdigest()[:32]


def new_guard(token_name: str, token: str, now: float | None = None) -> Guard:
    moment = str(int(now if now is not None else time.time()))
    return Guard(started=f"{moment}.{_sign(moment)}", token_name=token_name, token=token)


class RateLimiter:
    """At most ``limit`` hits per key in a sliding window; keys are hashes, kept in memory."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Count one hit; None if allowed, else the seconds to wait."""
        now = now if now is not None else time.monotonic()
        with self._lock:
            for stale in [k for k, v in self._hits.items() if v[-1] <= now - self.window]:
                del self._hits[stale]
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None


def client_key(request: Request) -> str:
    """The caller's address, hashed with the process secret: never kept in clear."""
    address = request.client.host if request.client else "inconnu"
    return _sign(address)


def limiter(request: Request) -> RateLimiter:
    """The application's limiter (one per app, so each test app starts afresh)."""
    state = request.app.state
    if not hasattr(state, "participation_limiter"):
        state.participation_limiter = RateLimiter(state.settings.participation_rate_limit)
    return state.participation_limiter  # type: ignore[no-any-return]


def check(request: Request, form: dict[str, str], now: float | None = None) -> None:
    """Refuse a form posted by a robot, too fast, too old, or too often from one address."""
    now = now if now is not None else time.time()
    if form.get(TRAP_FIELD):
        raise InputError("Envoi refusé : un champ réservé aux robots a été rempli.")
    moment, _, signature = form.get(STARTED_FIELD, "").partition(".")
    if not moment.isdigit() or not hmac.compare_digest(signature, _sign(moment)):
        raise InputError("Ce formulaire a expiré : rechargez la page et envoyez-le de nouveau.")
    elapsed = now - int(moment)
    if elapsed > MAX_FORM_AGE:
        raise InputError("Ce formulaire a expiré : rechargez la page et envoyez-le de nouveau.")
    if elapsed < request.app.state.settings.participation_min_seconds:
        raise InputError(
            "Formulaire envoyé trop vite : prenez le temps de le relire, puis envoyez-le."
        )
    wait = limiter(request).hit(client_key(request))
    if wait is not None:
        minutes = max(1, round(wait / 60))
        raise TooManyContributionsError(
            f"Trop d'envois depuis votre connexion : réessayez dans {minutes} minute(s)."
        )
