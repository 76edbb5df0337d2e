"""Numbers, sizes and dates in each language: French 1 234 567,5 and dd/mm/yyyy, English
1,234,567.5 and Jan 31, 2024; Paris time for Socle's own dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socle.portal.formats import ENGLISH, FRENCH

NNBSP = "\u202f"
NBSP = "\u00a0"


def test_numbers() -> None:
    assert FRENCH.number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert FRENCH.number(-1234.5) == f"-1{NNBSP}234,5"
    assert FRENCH.number(0.1 + 0.2) == "0,3"
    assert FRENCH.number(45.123456) == "45,123456"  # coordinates keep their decimals
    assert FRENCH.number(Decimal("1500.50")) == f"1{NNBSP}500,5"
    assert FRENCH.number(2.0) == "2"
    assert FRENCH.number(float("nan")) == "nan"
    assert FRENCH.number(None) == ""
    assert ENGLISH.number(1234567.5) == "1,234,567.5"
    assert ENGLISH.number(-1234) == "-1,234"


def test_sizes() -> None:
    assert FRENCH.filesize(999) == f"999{NBSP}octets"
    assert FRENCH.filesize(1_234_567) == f"1,2{NBSP}Mo"
    assert ENGLISH.filesize(1_234_567) == f"1.2{NBSP}MB"


def test_dates_and_timestamps() -> None:
    assert FRENCH.date("2024-03-01") == "01/03/2024"
    assert FRENCH.date(dt.date(2024, 12, 31)) == "31/12/2024"
    # Stored in UTC (naive on SQLite): shown in Paris time, summer and winter.
    assert FRENCH.timestamp("2024-07-01T22:30:00") == "02/07/2024 00:30"
    assert FRENCH.timestamp("2024-01-15T12:00:00+00:00") == "15/01/2024 13:00"
    assert FRENCH.timestamp("2024-07-01T22:30:00", with_time=False) == "02/07/2024"
    assert FRENCH.month("2024-03") == "03/2024"
    assert ENGLISH.date("2024-03-01") == "Mar 1, 2024"
    assert ENGLISH.timestamp("2024-07-01T22:30:00") == "Jul 2, 2024, 00:30"
    assert ENGLISH.month("2024-03-01") == "Mar 2024"


def test_cells_keep_data_as_written() -> None:
    assert FRENCH.cell("2024-01-01T08:00:00", "datetime") == "01/01/2024 08:00"  # no shift
    assert FRENCH.cell("2024-01-01T08:00:05", "datetime") == "01/01/2024 08:00:05"
    assert FRENCH.cell("2024-01-31", "date") == "31/01/2024"
    assert FRENCH.cell("pas une date", "date") == "pas une date"
    assert FRENCH.cell(True, "boolean") == "oui"
    assert FRENCH.cell(1500, "integer") == f"1{NNBSP}500"
    assert FRENCH.cell("01004") == "01004"  # INSEE codes keep their leading zero
    assert FRENCH.cell(None) == ""
    long = FRENCH.cell("x" * 200)
    assert long.endswith("…") and len(long) == 118
    # English readers get ISO 8601 data values and yes/no.
    assert ENGLISH.cell("2024-01-01T08:00:00", "datetime") == "2024-01-01 08:00"
    assert ENGLISH.cell("2024-01-31", "date") == "2024-01-31"
    assert ENGLISH.cell(False, "boolean") == "no"
