"""Type inference: exact or not at all, French formats, codes kept as text, one guard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socle.ingest import infer
from socle.ingest.infer import (
    SPECULATION_FAILED,
    infer_columns,
    select_list,
    speculative_columns,
)


def inferred(values: list[str | None], name: str = "valeur") -> tuple[str, list[Any]]:
    """The type inferred for one text column, and its converted values."""
    con = duckdb.connect()
    con.register("t", pa.table({name: pa.array(values, pa.string())}))
    columns = infer_columns(con, "t", [name])
    converted = [row[0] for row in con.execute(f"SELECT {select_list(columns)} FROM t").fetchall()]
    con.close()
    return columns[0].type, converted


CASES: list[tuple[list[str | None], str, list[Any]]] = [
    # Codes keep their zeros and letters.
    (["01004", "01000"], "string", ["01004", "01000"]),
    (["2A004", "01004"], "string", ["2A004", "01004"]),
    (["0612345678"], "string", ["0612345678"]),
    (["+33612345678", "+33474000000"], "string", ["+33612345678", "+33474000000"]),
    (["007", "12"], "string", ["007", "12"]),
    # Integers, exactly.
    (["1", "-2", "9223372036854775807"], "integer", [1, -2, 2**63 - 1]),
    (["0", "1", "1"], "integer", [0, 1, 1]),
    (["1 234", "5", "-1\u00a0234\u00a0567", "1\u202f000"], "integer", [1234, 5, -1234567, 1000]),
    (["12345678901234567890"], "string", ["12345678901234567890"]),
    (["1e5"], "string", ["1e5"]),
    (["0x10"], "string", ["0x10"]),
    (["1_000"], "string", ["1_000"]),
    # Numbers: dot, or French comma with space / dot thousands.
    (["12", "12.0", "-0.5"], "number", [12.0, 12.0, -0.5]),
    (["1 234,5", "2", "-0,25"], "number", [1234.5, 2.0, -0.25]),
    (["1.234,5", "2,5", "1.234.567,89"], "number", [1234.5, 2.5, 1234567.89]),
    (["1\u00a0234,50", "3\u202f000,5"], "number", [1234.5, 3000.5]),
    (
        ["-0.6514878987759956", "49.251470223722514"],
        "number",
        [-0.6514878987759956, 49.251470223722514],
    ),
    (["0.1000000000000000055"], "string", ["0.1000000000000000055"]),
    (["1.5", "2,5"], "string", ["1.5", "2,5"]),
    ([".5"], "string", [".5"]),
    # Booleans, but never 0/1.
    (["oui", "NON", "Oui"], "boolean", [True, False, True]),
    (["vrai", "Faux"], "boolean", [True, False]),
    (["true", "FALSE"], "boolean", [True, False]),
    (["oui", "1"], "string", ["oui", "1"]),
    # Dates and times, French and ISO.
    (["31/01/2024", "1/2/2024"], "date", [dt.date(2024, 1, 31), dt.date(2024, 2, 1)]),
    (["31/02/2024"], "string", ["31/02/2024"]),
    (["2024-01-31", "2024-12-01"], "date", [dt.date(2024, 1, 31), dt.date(2024, 12, 1)]),
    (["2024/01/31"], "date", [dt.date(2024, 1, 31)]),
    (
        ["31/01/2024 08:30", "31/01/2024 8:30:15", "01/02/2024"],
        "datetime",
        [
            dt.datetime(2024, 1, 31, 8, 30),
            dt.datetime(2024, 1, 31, 8, 30, 15),
            dt.datetime(2024, 2, 1),
        ],
    ),
    (
        ["2024-01-31T08:30:00", "2024-01-31 08:30", "2024-02-01"],
        "datetime",
        [dt.datetime(2024, 1, 31, 8, 30), dt.datetime(2024, 1, 31, 8, 30), dt.datetime(2024, 2, 1)],
    ),
    (
        ["2024-01-31T08:30:00+01:00", "2024-07-01 12:00Z", "2024-07-01T12:00:00.5-0200"],
        "datetime",
        [
            dt.datetime(2024, 1, 31, 7, 30),
            dt.datetime(2024, 7, 1, 12, 0),
            dt.datetime(2024, 7, 1, 14, 0, 0, 500000),
        ],
    ),
    (["2024-01-31T08:30:00+01:00", "2024-01-31T08:30:00"], "string", None),
    (["08:30", "18:05:10"], "time", [dt.time(8, 30), dt.time(18, 5, 10)]),
    # Missing values.
    (["", "  ", None, "5", "\t"], "integer", [None, None, None, 5, None]),
    ([" x ", "", "\u00a0"], "string", [" x ", None, None]),
    ([None, ""], "string", [None, None]),
]


@pytest.mark.parametrize(("values", "type_", "expected"), CASES)
def test_inference(values: list[str | None], type_: str, expected: list[Any] | None) -> None:
    got_type, got = inferred(values)
    assert got_type == type_
    assert got == (values if expected is None else expected)


@pytest.mark.parametrize(
    "name", ["siret", "SIREN", "code_insee", "codePostal", "cp", "telephone", "id", "numero_uai"]
)
def test_a_column_named_as_a_code_stays_text(name: str) -> None:
    assert inferred(["21010053400017", "75001"], name) == ("string", ["21010053400017", "75001"])


def test_a_contradiction_beyond_the_sample_fails_the_guess_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(infer, "SAMPLE_ROWS", 10)
    con = duckdb.connect()
    con.register("t", pa.table({"n": [str(i) for i in range(1, 50)] + ["x"]}))
    guess = speculative_columns(con, "t", ["n"])
    assert guess[0].type == "integer"
    with pytest.raises(duckdb.Error, match=SPECULATION_FAILED):
        con.execute(f"SELECT {select_list(guess)} FROM t").fetchall()
    assert infer_columns(con, "t", ["n"])[0].type == "string"


def test_the_whole_data_is_scanned_once_whatever_the_number_of_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queries: list[str] = []
    original = infer.one_row

    def recorded(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
        queries.append(sql)
        return original(con, sql)

    monkeypatch.setattr(infer, "one_row", recorded)
    con = duckdb.connect()
    columns = {f"n{i}": ["1", "2,5", "31/01/2024", "oui", "texte"][i % 5] for i in range(20)}
    con.register("t", pa.table({k: [v] * 30_000 for k, v in columns.items()}))
    types = [c.type for c in infer_columns(con, "t", list(columns))]
    assert types == ["integer", "number", "date", "boolean", "string"] * 4
    assert [q.endswith("FROM t") for q in queries] == [False, False, True]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20), st.data())
def test_leading_zero_codes_never_become_numbers(numbers: list[int], data: st.DataObject) -> None:
    width = data.draw(st.integers(min_value=1, max_value=5))
    codes = [f"0{n:0{width}d}" for n in numbers]
    assert inferred(codes) == ("string", codes)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=20))
def test_integers_come_back_exactly(numbers: list[int]) -> None:
    assert inferred([str(n) for n in numbers]) == ("integer", numbers)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_numbers_are_typed_only_if_exact(numbers: list[float]) -> None:
    texts = [repr(n) for n in numbers]
    type_, values = inferred(texts)
    assert (type_, values) in (("number", numbers), ("string", texts))
    if not any("e" in t for t in texts):
        assert type_ == "number"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=20))
def test_any_text_gets_a_type_whose_conversion_never_fails(values: list[str | None]) -> None:
    type_, converted = inferred(values)
    if type_ == "string":
        blank = [v is None or v.strip(" \t\u00a0\u202f") == "" for v in values]
        assert converted == [None if b else v for v, b in zip(values, blank, strict=True)]
    else:
        assert len(converted) == len(values)
