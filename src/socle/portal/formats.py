"""Numbers, sizes and dates as a reader of each language expects them.

French: 1 234 567,5 (narrow no-break spaces), dd/mm/yyyy, 1,2 Mo. English: 1,234,567.5,
« Jan 31, 2024 » (CLDR medium dates, by Babel), 1.2 MB. Socle's own moments are shown in
Paris time; data values are shown as they are in the file, without time zone conversion.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from socle.storage.tables import as_utc

NARROW_NBSP = "\u202f"
PARIS = ZoneInfo("Europe/Paris")
MAX_CELL = 120


@dataclass(frozen=True)
class Formats:
    """One language's conventions; its methods are the templates' filters."""

    group: str
    decimal: str
    byte_units: tuple[str, ...]
    yes_no: tuple[str, str]
    show_date: Callable[[dt.date], str]
    show_time: Callable[[dt.datetime], str]
    show_month: Callable[[dt.date], str]
    show_cell_date: Callable[[dt.date], str]

    def number(self, value: Any) -> str:
        """1234567.5 -> « 1 234 567,5 » / « 1,234,567.5 » (no rounding beyond 10 decimals)."""
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", self.group)
        if isinstance(value, float | Decimal) and math.isfinite(value):
            whole, _, decimals = f"{value:,.10f}".rstrip("0").partition(".")
            text = whole.replace(",", self.group)
            return f"{text}{self.decimal}{decimals}" if decimals else text
        return str(value)

    def filesize(self, size: int) -> str:
        """1234567 -> « 1,2 Mo » / « 1.2 MB » (powers of 1000, as file managers show them)."""
        value, unit = float(size), 0
        while value >= 1000 and unit < len(self.byte_units) - 1:
            value, unit = value / 1000, unit + 1
        shown = self.number(int(value)) if unit == 0 else self.number(round(value, 1))
        return f"{shown}\u00a0{self.byte_units[unit]}"

    def date(self, value: Any) -> str:
        """A calendar date (temporal coverage, a chart's day)."""
        if not value:
            return ""
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return self.show_date(value)

    def month(self, value: str) -> str:
        """A chart's month, given as ``yyyy-mm…``."""
        return self.show_month(dt.date(int(value[:4]), int(value[5:7]), 1))

    def timestamp(self, value: Any, with_time: bool = True) -> str:
        """When something happened in Socle, in Paris time (naive values are UTC, as stored)."""
        if not value:
            return ""
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        local = as_utc(value).astimezone(PARIS)
        return self.show_time(local) if with_time else self.show_date(local)

    def cell(self, value: Any, type_: str = "string") -> str:
        """A table cell: dates, numbers and booleans in the reader's language, long text cut."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return self.yes_no[0] if value else self.yes_no[1]
        if isinstance(value, int | float | Decimal):
            return self.number(value)
        text = str(value)
        if text and type_ in ("date", "datetime"):
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                return text
            if type_ == "date":
                return self.show_cell_date(parsed)
            clock = "%H:%M:%S" if parsed.second else "%H:%M"
            return f"{self.show_cell_date(parsed)} {parsed.strftime(clock)}"
        return text if len(text) <= MAX_CELL else text[: MAX_CELL - 3] + "…"


def _french_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _english_date(value: dt.date) -> str:
    return format_date(value, "medium", locale="en")


FRENCH = Formats(
    group=NARROW_NBSP,
    decimal=",",
    byte_units=("octets", "ko", "Mo", "Go", "To"),
    yes_no=("oui", "non"),
    show_date=_french_date,
    show_time=lambda moment: moment.strftime("%d/%m/%Y %H:%M"),
    show_month=lambda month: month.strftime("%m/%Y"),
    show_cell_date=_french_date,
)
# English readers of a French portal are international: unambiguous month names for Socle's
# dates, ISO 8601 for data values (what a spreadsheet or a script reads back unchanged).
ENGLISH = Formats(
    group=",",
    decimal=".",
    byte_units=("bytes", "kB", "MB", "GB", "TB"),
    yes_no=("yes", "no"),
    show_date=_english_date,
    show_time=lambda moment: (
        f"{_english_date(moment)}, {format_time(moment, 'HH:mm', locale='en')}"
    ),
    show_month=lambda month: format_date(month, "MMM y", locale="en"),
    show_cell_date=lambda value: value.strftime("%Y-%m-%d"),
)
FORMATS = {"fr": FRENCH, "en": ENGLISH}


def filters(formats: Formats) -> dict[str, Callable[..., str]]:
    """The formatting filters of the templates, in one language."""
    return {
        "number": formats.number,
        "filesize": formats.filesize,
        "date": formats.date,
        "month": formats.month,
        "timestamp": formats.timestamp,
        "cell": formats.cell,
    }
