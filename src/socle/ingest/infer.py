"""Type inference that never loses information, run as column aggregates in DuckDB.

Every column arrives as text. A column gets a type only if EVERY non-empty value converts
exactly: ``01004`` (leading zero), ``2A004``, ``+33612345678``, ``1e5``, an integer beyond
64 bits, or a number longer than 15 characters that a double does not print back as
written all keep their column as text; so does a column whose name says it holds codes
(SIRET, INSEE, postal code, phone, identifier...) even when all its values are digits.
``0``/``1`` columns are integers, never booleans: reading them as booleans would be a
guess. Empty and blank cells are missing values.

Candidates are first checked on a sample, then only the survivors on the whole column, in
one scan: text columns, the most common kind, cost no regular expression on the full data.
Each candidate is a SQL predicate (does this value match?) and a SQL conversion, so the
whole decision is a handful of ``count_if`` aggregates, never a Python loop over values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb

from socle.ingest._duckdb import one_row
from socle.sql import identifier

SAMPLE_ROWS = 20_000
FIRST_ROWS = 100
SPACES = "[ \u00a0\u202f]"
BLANKS = " \t\u00a0\u202f"
MAX_DIGITS = 15  # a double holds any decimal number of 15 significant digits exactly
CODE_NAME = re.compile(
    r"siret|siren|insee|postal|t[ée]l[ée]phone|phone|^t[ée]l|^cp$|^code|_code$|code_|^id|_id$"
    r"|identifiant|^num[ée]ro|^num_|^n°|^ref|r[ée]f[ée]rence|^uai|^finess|^rna|epci|fantoir"
    r"|^naf|^ape$|^iris|cedex",
    re.IGNORECASE,
)
SPECULATION_FAILED = "socle: type guessed from the sample does not hold"
FR_DATETIME_FORMATS = "['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']"
# A number written with at most 15 characters has at most 15 significant digits, which a
# double holds exactly; a longer one is kept only if the double prints back as written.
ROUND_TRIP = "CAST(TRY_CAST({v} AS DOUBLE) AS VARCHAR) = {v}"
DOTTED = f"replace(regexp_replace({{v}}, '({SPACES}|\\.)', '', 'g'), ',', '.')"


@dataclass(frozen=True)
class Candidate:
    """A possible type: which values match it, and how to convert them.

    A value matches when it fully matches ``pattern`` (a regular expression) and then
    passes ``check`` (SQL, ``{v}`` standing for the value); the check runs only on values
    the pattern let through, which makes a sample scan ten times cheaper. ``source`` says
    how the file wrote the values (kept in the version's details; stored values are
    canonical).
    """

    type: str
    pattern: str | None
    check: str
    cast: str
    source: str | None = None
    numeric: bool = False
    needs_comma: bool = False

    def match(self, value: str) -> str:
        check = self.check.replace("{v}", value)
        if self.pattern is None:
            return check
        return f"CASE WHEN regexp_full_match({value}, '{self.pattern}') THEN {check} ELSE false END"

    def convert(self, value: str) -> str:
        return self.cast.replace("{v}", value)


BOOLEAN = Candidate(
    "boolean",
    None,
    "lower({v}) IN ('oui', 'non', 'vrai', 'faux', 'true', 'false')",
    "lower({v}) IN ('oui', 'vrai', 'true')",
)
# Canonical integers: a cast round trip, cheaper than a regex.
INTEGER = Candidate(
    "integer",
    None,
    "CAST(TRY_CAST({v} AS BIGINT) AS VARCHAR) = {v}",
    "CAST({v} AS BIGINT)",
    numeric=True,
)
GROUPED_INTEGER = Candidate(
    "integer",
    f"-?(0|[1-9][0-9]*|[1-9][0-9]{{0,2}}({SPACES}[0-9]{{3}})+)",
    f"TRY_CAST(regexp_replace({{v}}, '{SPACES}', '', 'g') AS BIGINT) IS NOT NULL",
    f"CAST(regexp_replace({{v}}, '{SPACES}', '', 'g') AS BIGINT)",
    source="groupChar= ",
    numeric=True,
)
NUMBER = Candidate(
    "number",
    r"-?(0|[1-9][0-9]*)(\.[0-9]+)?",
    f"length({{v}}) <= {MAX_DIGITS} OR {ROUND_TRIP}",
    "CAST({v} AS DOUBLE)",
    numeric=True,
)
FRENCH_NUMBER = Candidate(
    "number",
    rf"-?(0|[1-9][0-9]*|[1-9][0-9]{{0,2}}({SPACES}|\.)[0-9]{{3}}(({SPACES}|\.)[0-9]{{3}})*)"
    r"(,[0-9]+)?",
    f"length({{v}}) <= {MAX_DIGITS} OR {ROUND_TRIP.replace('{v}', DOTTED)}",
    f"CAST({DOTTED} AS DOUBLE)",
    source="decimalChar=,",
    numeric=True,
    needs_comma=True,
)
# For values that were numbers already (spreadsheet cells): any double, however long.
ANY_NUMBER = Candidate(
    "number", None, "TRY_CAST({v} AS DOUBLE) IS NOT NULL", "CAST({v} AS DOUBLE)", numeric=True
)
ISO_DATE = Candidate(
    "date", "[0-9]{4}-[0-9]{2}-[0-9]{2}", "TRY_CAST({v} AS DATE) IS NOT NULL", "CAST({v} AS DATE)"
)
FRENCH_DATE = Candidate(
    "date",
    "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
    "try_strptime({v}, '%d/%m/%Y') IS NOT NULL",
    "CAST(strptime({v}, '%d/%m/%Y') AS DATE)",
    source="%d/%m/%Y",
)
SLASHED_ISO_DATE = Candidate(
    "date",
    "[0-9]{4}/[0-9]{2}/[0-9]{2}",
    "try_strptime({v}, '%Y/%m/%d') IS NOT NULL",
    "CAST(strptime({v}, '%Y/%m/%d') AS DATE)",
    source="%Y/%m/%d",
)
ISO_DATETIME = Candidate(
    "datetime",
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?",
    "TRY_CAST({v} AS TIMESTAMP) IS NOT NULL",
    "CAST({v} AS TIMESTAMP)",
)
ZONED_DATETIME = Candidate(
    "datetime",
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)",
    "TRY_CAST({v} AS TIMESTAMPTZ) IS NOT NULL",
    "CAST(timezone('UTC', CAST({v} AS TIMESTAMPTZ)) AS TIMESTAMP)",
    source="converted to UTC",
)
FRENCH_DATETIME = Candidate(
    "datetime",
    "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?",
    f"try_strptime({{v}}, {FR_DATETIME_FORMATS}) IS NOT NULL",
    f"strptime({{v}}, {FR_DATETIME_FORMATS})",
    source="%d/%m/%Y %H:%M:%S",
)
TIME = Candidate(
    "time",
    r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?",
    "TRY_CAST({v} AS TIME) IS NOT NULL",
    "CAST({v} AS TIME)",
)
CANDIDATES = (
    BOOLEAN,
    INTEGER,
    GROUPED_INTEGER,
    NUMBER,
    FRENCH_NUMBER,
    ISO_DATE,
    FRENCH_DATE,
    SLASHED_ISO_DATE,
    ISO_DATETIME,
    ZONED_DATETIME,
    FRENCH_DATETIME,
    TIME,
)
NUMBER_CELLS = (INTEGER, ANY_NUMBER)


@dataclass(frozen=True)
class InferredColumn:
    """A column's Table Schema type and the SQL that converts it from its source."""

    name: str
    type: str
    expression: str
    source: str | None = None  # how the file wrote the values, when not canonical
    format: str | None = None  # Table Schema format of the stored values

    def field(self) -> dict[str, str]:
        field = {"name": self.name, "type": self.type}
        if self.format:
            field["format"] = self.format
        return field


def _value(name: str) -> str:
    """The value a candidate judges: trimmed, empty meaning missing."""
    return f"NULLIF(trim({identifier(name)}, '{BLANKS}'), '')"


def text_column(name: str) -> InferredColumn:
    """Text kept as written, but empty or blank cells are missing values.

    Only values starting with a blank (or empty) pay for the trim: comparisons are cheap.
    """
    column = identifier(name)
    starts_blank = f"{column} < '!' OR prefix({column}, '\u00a0') OR prefix({column}, '\u202f')"
    expression = (
        f"CASE WHEN {starts_blank} THEN "
        f"CASE WHEN trim({column}, '{BLANKS}') = '' THEN NULL ELSE {column} END "
        f"ELSE {column} END"
    )
    return InferredColumn(name, "string", expression)


def _typed(name: str, candidate: Candidate, value: str) -> InferredColumn:
    return InferredColumn(name, candidate.type, candidate.convert(value), candidate.source)


def _surviving(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    candidates: dict[str, tuple[Candidate, ...]],
    value: Callable[[str], str] = _value,
) -> dict[str, tuple[Candidate, ...]]:
    """Keep, per column, the candidates that every non-empty value of ``relation`` matches."""
    parts: list[str] = []
    for name, options in candidates.items():
        v = value(name)
        parts.append(f"count({v})")
        parts.append(f"count_if(contains({v}, ','))")
        parts.extend(f"count_if({c.match(v)})" for c in options)
    if not parts:
        return {}
    row = one_row(con, f"SELECT {', '.join(parts)} FROM {relation}")  # noqa: S608
    values = iter(row)
    result: dict[str, tuple[Candidate, ...]] = {}
    for name, options in candidates.items():
        present, with_comma = next(values), next(values)
        matched = [next(values) for _ in options]
        result[name] = tuple(
            c
            for c, n in zip(options, matched, strict=True)
            if present and n == present and (with_comma or not c.needs_comma)
        )
    return result


def starting_candidates(names: Iterable[str]) -> dict[str, tuple[Candidate, ...]]:
    """Every candidate, but no numeric one for a column whose name says it holds codes."""
    return {
        name: tuple(c for c in CANDIDATES if not (c.numeric and CODE_NAME.search(name)))
        for name in names
    }


def _sampled(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    start: dict[str, tuple[Candidate, ...]],
    value: Callable[[str], str] = _value,
) -> dict[str, tuple[Candidate, ...]]:
    """Candidates surviving the first rows: the first hundred drop most of them cheaply,
    then the rest of the sample judges the few left."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE infer_sample AS SELECT * FROM {relation} "  # noqa: S608
        f"LIMIT {SAMPLE_ROWS}"
    )
    head = _surviving(con, f"(FROM infer_sample LIMIT {FIRST_ROWS})", start, value)
    kept = _surviving(con, "infer_sample", {n: o for n, o in head.items() if o}, value)
    con.execute("DROP TABLE infer_sample")
    return kept


def infer_columns(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    names: list[str],
    start: dict[str, tuple[Candidate, ...]] | None = None,
) -> list[InferredColumn]:
    """The type of each text column of ``relation``, verified on every value.

    ``start`` overrides the candidates tried per column (default: every candidate).
    """
    sampled = _sampled(con, relation, start or starting_candidates(names))
    full = _surviving(con, relation, {n: o for n, o in sampled.items() if o})
    columns = []
    for name in names:
        options = full.get(name)
        columns.append(_typed(name, options[0], _value(name)) if options else text_column(name))
    return columns


def speculative_columns(
    con: duckdb.DuckDBPyConnection, relation: str, names: list[str]
) -> list[InferredColumn]:
    """Types guessed from a sample, with conversions that fail loudly on any other value.

    Writing with these costs one pass over the data instead of two; when a value
    contradicts the guess, DuckDB raises an error containing ``SPECULATION_FAILED`` and
    the caller falls back to :func:`infer_columns`. Values are not trimmed here: a value
    with surrounding spaces fails the guard and takes the verified path, which trims.
    """

    def raw(name: str) -> str:
        return f"NULLIF({identifier(name)}, '')"

    sampled = _sampled(con, relation, starting_candidates(names), raw)
    columns = []
    for name in names:
        options = sampled.get(name)
        if not options:
            columns.append(text_column(name))
            continue
        chosen, v = options[0], raw(name)
        guarded = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {chosen.match(v)} "
            f"THEN {chosen.convert(v)} ELSE error('{SPECULATION_FAILED}') END"
        )
        columns.append(InferredColumn(name, chosen.type, guarded, chosen.source))
    return columns


def select_list(columns: list[InferredColumn]) -> str:
    return ", ".join(f"{c.expression} AS {identifier(c.name)}" for c in columns)


def source_formats(columns: list[InferredColumn]) -> dict[str, str]:
    """How the file wrote non-canonical values, per column, for the version's details."""
    return {c.name: c.source for c in columns if c.source}
