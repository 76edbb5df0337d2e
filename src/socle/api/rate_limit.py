"""Rate limits on the API: per API token, else per client IP address, as token buckets.

Each key holds up to N requests (``SOCLE_API_TOKEN_RATE_LIMIT`` for a valid API token,
``SOCLE_API_RATE_LIMIT`` for an IP address), refilled at N per minute; a request finding
the bucket empty gets a 429 problem+json with ``Retry-After``. A request whose token is not
valid counts against its IP address, so inventing tokens does not escape the limit.

The buckets live in the memory of each server process: with several workers, each one
counts for itself (the effective limit is N times the number of processes). Keys are hashed
with a secret drawn at start-up, so no address is kept in clear.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections.abc import Callable

import anyio.to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from socle.api.problems import MACHINE_PATHS, problem_response
from socle.config import Settings
from socle.core.tokens import resolve_token
from socle.errors import SocleError, TooManyRequestsError
from socle.instance import Instance

PRUNE_ABOVE = 10_000  # keys kept before idle, refilled buckets are forgotten


class TokenBuckets:
    """Per key, up to ``per_minute`` requests at once, refilled at ``per_minute`` a minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted)
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(16)

    def take(self, key: str) -> float:
        """Spend one request for ``key``: 0 if allowed, else the seconds until one is back."""
        hashed = hashlib.blake2b(key.encode(), key=self._secret, digest_size=16).hexdigest()
        now = self.clock()
        with self._lock:
            if len(self._buckets) > PRUNE_ABOVE:
                self._prune(now)
            tokens, since = self._buckets.get(hashed, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - since) * self.rate)
            if tokens >= 1:
                self._buckets[hashed] = (tokens - 1, now)
                return 0.0
            self._buckets[hashed] = (tokens, now)
            return (1 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = self.capacity / self.rate
        for key in [k for k, (_, since) in self._buckets.items() if now - since >= full]:
            del self._buckets[key]


class RateLimit:
    """The ASGI middleware applying the buckets to the API's paths (problems.MACHINE_PATHS)."""

    def __init__(self, app: ASGIApp, settings: Settings, instance: Instance) -> None:
        self.app = app
        self.instance = instance
        self.by_ip = TokenBuckets(settings.api_rate_limit) if settings.api_rate_limit else None
        self.by_token = (
            TokenBuckets(settings.api_token_rate_limit) if settings.api_token_rate_limit else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = self.by_ip is not None or self.by_token is not None
        if not limited or scope["type"] != "http" or not scope["path"].startswith(MACHINE_PATHS):
            await self.app(scope, receive, send)
            return
        buckets, key = await self._bucket(scope)
        wait = buckets.take(key) if buckets is not None else 0.0
        if wait:
            error = TooManyRequestsError(
                "Trop de requêtes : la limite de débit de l'API est atteinte, "
                f"réessayez dans {math.ceil(wait)} seconde(s).",
                retry_after=math.ceil(wait),
            )
            await problem_response(error, Request(scope))(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _bucket(self, scope: Scope) -> tuple[TokenBuckets | None, str]:
        """The token's bucket if the request carries a valid API token, else the address's
        (None: that kind of caller is not limited)."""
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() == "bearer" and secret.strip():
            try:
                principal = await anyio.to_thread.run_sync(
                    resolve_token, self.instance, secret.strip()
                )
            except SocleError:
                pass  # the route answers 401; the attempt counts against the address
            else:
                # Resolved once per request: api.auth.current_principal finds it here.
                scope.setdefault("state", {})["principal"] = principal
                assert principal.token is not None
                return self.by_token, f"token:{principal.token.token_id}"
        client = scope.get("client")
        return self.by_ip, f"ip:{client[0] if client else 'inconnu'}"
