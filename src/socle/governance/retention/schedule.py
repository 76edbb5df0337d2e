"""The daily retention run of a served instance (``SOCLE_RETENTION_DAILY_AT``, off by default).

A daemon thread sleeps until the configured time of day (the server's local time), runs
retention as the instance administrator, logs what it did, and sleeps again. One served
process should carry it: with several workers or servers, use a system timer calling
``socle retention run`` instead (docs/retention.md).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, time, timedelta

from socle.governance.policy import Principal
from socle.governance.retention.purge import run
from socle.instance import Instance

log = logging.getLogger("socle.retention")
# The actor the audit log names for scheduled runs.
SCHEDULER = Principal("retention-planifiee", is_admin=True)


def seconds_until(at: time, now: datetime) -> float:
    """Seconds from ``now`` to the next ``at`` o'clock (tomorrow's if today's has passed)."""
    target = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


class DailyRetention:
    """Runs retention on ``instance`` every day at ``at``, until stopped."""

    def __init__(self, instance: Instance, at: time) -> None:
        self.instance = instance
        self.at = at
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="socle-retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def run_once(self) -> None:
        """One run; a failure is logged, never raised, so the next day still comes."""
        try:
            outcomes = run(self.instance, SCHEDULER)
        except Exception:
            log.exception("conservation : l'exécution planifiée a échoué")
            return
        for o in outcomes:
            if o.error:
                log.warning("conservation de « %s » impossible : %s", o.plan.slug, o.error)
            elif o.rows_removed or o.versions_purged:
                log.info(
                    "conservation de « %s » : %d ligne(s) retirée(s), version(s) %s purgée(s), "
                    "%d octet(s) libéré(s)",
                    o.plan.slug,
                    o.rows_removed,
                    list(o.versions_purged),
                    o.bytes_freed,
                )

    def _loop(self) -> None:
        while not self._stop.wait(seconds_until(self.at, datetime.now().astimezone())):
            self.run_once()
