"""Retention periods: ISO 8601 durations in years, months, weeks and days (P1Y, P6M, P2Y6M).

A strict parser rather than a general one: a retention period is a legal time limit, so
fractions, negative or time-of-day durations (PT1H) are refused with a clear message instead
of being rounded into something nobody declared.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from socle.errors import InputError

PATTERN = re.compile(r"P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?")
EXAMPLES = "P1Y (un an), P6M (six mois), P30D (trente jours), P2Y6M"


@dataclass(frozen=True)
class Period:
    """A calendar duration: months (years count twelve) then days (weeks count seven)."""

    text: str
    months: int
    days: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period ``text`` declares, or InputError naming what is wrong."""
        value = text.strip().upper()
        match = PATTERN.fullmatch(value)
        if not match or value == "P":
            if "T" in value:
                reason = "les heures, minutes et secondes ne sont pas admises"
            else:
                reason = "durée ISO 8601 attendue"
            raise InputError(f"Durée de conservation « {text} » invalide : {reason} ({EXAMPLES})")
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        if years * 12 + months == 0 and weeks * 7 + days == 0:
            raise InputError(f"Durée de conservation « {text} » nulle : {EXAMPLES}")
        return cls(value, years * 12 + months, weeks * 7 + days)

    def before(self, moment: datetime) -> datetime:
        """``moment`` minus the period; a day past the end of a month is clamped to its end."""
        return _shift_months(moment, -self.months) - timedelta(days=self.days)

    def after(self, moment: datetime) -> datetime:
        """``moment`` plus the period (when something dated ``moment`` expires)."""
        return _shift_months(moment, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        return self.text


def _shift_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last))
