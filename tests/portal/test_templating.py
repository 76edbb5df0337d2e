"""French formats in pages: 1 234 567,5; dd/mm/yyyy; Paris time for Socle's own dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socle.portal.templating import cell, fr_date, fr_number, fr_timestamp, query_string

NNBSP = "\u202f"


def test_numbers() -> None:
    assert fr_number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert fr_number(-1234.5) == f"-1{NNBSP}234,5"
    assert fr_number(0.1 + 0.2) == "0,3"
    assert fr_number(45.123456) == "45,123456"  # coordinates keep their decimals
    assert fr_number(Decimal("1500.50")) == f"1{NNBSP}500,5"
    assert fr_number(2.0) == "2"
    assert fr_number(float("nan")) == "nan"
    assert fr_number(None) == ""


def test_dates_and_timestamps() -> None:
    assert fr_date("2024-03-01") == "01/03/2024"
    assert fr_date(dt.date(2024, 12, 31)) == "31/12/2024"
    # Stored in UTC (naive on SQLite): shown in Paris time, summer and winter.
    assert fr_timestamp("2024-07-01T22:30:00") == "02/07/2024 00:30"
    assert fr_timestamp("2024-01-15T12:00:00+00:00") == "15/01/2024 13:00"
    assert fr_timestamp("2024-07-01T22:30:00", with_time=False) == "02/07/2024"


def test_cells_keep_data_as_written() -> None:
    assert cell("2024-01-01T08:00:00", "datetime") == "01/01/2024 08:00"  # no time zone shift
    assert cell("2024-01-01T08:00:05", "datetime") == "01/01/2024 08:00:05"
    assert cell("2024-01-31", "date") == "31/01/2024"
    assert cell("pas une date", "date") == "pas une date"
    assert cell(True, "boolean") == "oui"
    assert cell(1500, "integer") == f"1{NNBSP}500"
    assert cell("01004") == "01004"  # INSEE codes keep their leading zero
    assert cell(None) == ""
    assert cell("x" * 200).endswith("…") and len(cell("x" * 200)) == 118


def test_query_string_changes_and_removes() -> None:
    params = {"q": "vélo", "theme": "TRAN", "page": 3}
    assert query_string(params, page=None) == "q=v%C3%A9lo&theme=TRAN"
    assert query_string(params, theme=None, page=1) == "q=v%C3%A9lo&page=1"
