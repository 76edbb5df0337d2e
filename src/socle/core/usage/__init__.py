"""Usage statistics per dataset: page views, downloads by format, records API calls.

Counted without cookies or personal data: requests are tallied in memory per process as
(dataset, day, kind, detail) totals and added to the metadata database periodically.
Public surface: :class:`Kind`, :class:`UsageCounter`, :class:`PeriodicFlush`, and the
readers of :mod:`socle.core.usage.reports`.
"""

from __future__ import annotations

from socle.core.usage.counter import Kind, PeriodicFlush, Ref, UsageCounter, today

__all__ = ["Kind", "PeriodicFlush", "Ref", "UsageCounter", "today"]
