"""Type inference that never loses information, run as column aggregates in DuckDB.

Every column arrives as text. A column gets a type only if EVERY non-empty value converts
exactly: ``01004`` (leading zero), ``2A004``, ``1e5`` or a 19-digit number stay text, and a
column whose name says it holds codes (SIRET, INSEE, postal code, phone, identifier...) stays
text even when all its values are digits. ``0``/``1`` columns are integers, never booleans.

Candidates are first checked on a sample, then only the survivors on the whole column, in
one scan: text columns, the most common kind, cost no regular expression on the full data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from socle.sql import identifier

SAMPLE_ROWS = 20_000
FIRST_ROWS = 100
SPACES = "[ \u00a0\u202f]"
CODE_NAME = re.compile(
    r"siret|siren|insee|postal|t[ée]l[ée]phone|phone|^t[ée]l|^cp$|^code|_code$|code_|^id|_id$"
    r"|identifiant|^num[ée]ro|^num_|^n°|^ref|r[ée]f[ée]rence|^uai|^finess|^rna",
    re.IGNORECASE,
)
SPECULATION_FAILED = "socle: type guessed from the sample does not hold"
FR_DATETIME_FORMATS = "['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']"


@dataclass(frozen=True)
class Candidate:
    """A possible type: when a value matches it, and how to convert it (``{v}`` = value)."""

    type: str
    format: str | None
    match: str
    cast: str
    numeric: bool = False
    needs_comma: bool = False


CANDIDATES = (
    Candidate(
        "boolean",
        None,
        "lower({v}) IN ('oui', 'non', 'vrai', 'faux', 'true', 'false')",
        "lower({v}) IN ('oui', 'vrai', 'true')",
    ),
    # Canonical forms first: checked by a cast round trip, much cheaper than a regex.
    Candidate(
        "integer",
        None,
        "CAST(TRY_CAST({v} AS BIGINT) AS VARCHAR) = {v}",
        "CAST({v} AS BIGINT)",
        numeric=True,
    ),
    Candidate(
        "integer",
        None,
        r"regexp_full_match({v}, '[+-]?(0|[1-9][0-9]{0,17}|[1-9][0-9]{0,2}"
        rf"({SPACES}[0-9]{{3}})+)')"
        " AND length(translate({v}, '+- \u00a0\u202f', '')) <= 18",
        f"CAST(regexp_replace({{v}}, '{SPACES}', '', 'g') AS BIGINT)",
        numeric=True,
    ),
    Candidate(
        "number",
        None,
        r"regexp_full_match({v}, '[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?')"
        " AND length(translate({v}, '+-.,  \u00a0\u202f', '')) <= 15",
        "CAST({v} AS DOUBLE)",
        numeric=True,
    ),
    Candidate(
        "number",
        "decimalChar=,",
        rf"regexp_full_match({{v}}, '[+-]?(0|[1-9][0-9]*|[1-9][0-9]{{0,2}}({SPACES}|\.)[0-9]{{3}}"
        rf"(({SPACES}|\.)[0-9]{{3}})*)(,[0-9]+)?')"
        " AND length(translate({v}, '+-.,  \u00a0\u202f', '')) <= 15",
        f"CAST(replace(regexp_replace({{v}}, '({SPACES}|\\.)', '', 'g'), ',', '.') AS DOUBLE)",
        numeric=True,
        needs_comma=True,
    ),
    Candidate(
        "date",
        "%Y-%m-%d",
        "CAST(TRY_CAST({v} AS DATE) AS VARCHAR) = {v}",
        "CAST({v} AS DATE)",
    ),
    Candidate(
        "date",
        "%Y-%m-%d",
        r"regexp_full_match({v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}')"
        " AND TRY_CAST({v} AS DATE) IS NOT NULL",
        "CAST({v} AS DATE)",
    ),
    Candidate(
        "date",
        "%d/%m/%Y",
        r"regexp_full_match({v}, '[0-9]{2}/[0-9]{2}/[0-9]{4}')"
        " AND try_strptime({v}, '%d/%m/%Y') IS NOT NULL",
        "CAST(strptime({v}, '%d/%m/%Y') AS DATE)",
    ),
    Candidate(
        "datetime",
        None,
        "length({v}) = 19 AND {v}[11] = 'T' AND TRY_CAST({v} AS TIMESTAMP) IS NOT NULL",
        "CAST({v} AS TIMESTAMP)",
    ),
    Candidate(
        "datetime",
        None,
        "length({v}) = 19 AND {v}[11] = ' ' AND TRY_CAST({v} AS TIMESTAMP) IS NOT NULL",
        "CAST({v} AS TIMESTAMP)",
    ),
    Candidate(
        "datetime",
        None,
        r"regexp_full_match({v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}"
        r"(:[0-9]{2}(\.[0-9]{1,6})?)?)?') AND TRY_CAST({v} AS TIMESTAMP) IS NOT NULL",
        "CAST({v} AS TIMESTAMP)",
    ),
    Candidate(
        "datetime",
        "UTC",
        r"regexp_full_match({v}, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
        r"(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)')"
        " AND TRY_CAST({v} AS TIMESTAMPTZ) IS NOT NULL",
        "CAST(timezone('UTC', CAST({v} AS TIMESTAMPTZ)) AS TIMESTAMP)",
    ),
    Candidate(
        "datetime",
        "%d/%m/%Y %H:%M:%S",
        r"regexp_full_match({v}, '[0-9]{2}/[0-9]{2}/[0-9]{4}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?')"
        f" AND try_strptime({{v}}, {FR_DATETIME_FORMATS}) IS NOT NULL",
        f"strptime({{v}}, {FR_DATETIME_FORMATS})",
    ),
)


@dataclass(frozen=True)
class InferredColumn:
    name: str
    type: str
    format: str | None
    expression: str  # SQL converting the text column to its type

    def field(self) -> dict[str, str]:
        field = {"name": self.name, "type": self.type}
        if self.format:
            field["format"] = self.format
        return field


def _value(name: str) -> str:
    return f"NULLIF(trim({identifier(name)}), '')"


def _text(name: str) -> str:
    """Text kept as written, but empty cells are missing values."""
    return f"NULLIF({identifier(name)}, '')"


def _surviving(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    candidates: dict[str, list[Candidate]],
    value: Callable[[str], str] = _value,
) -> dict[str, list[Candidate]]:
    """Keep, per column, the candidates that every non-empty value of ``relation`` matches."""
    parts: list[str] = []
    for name, options in candidates.items():
        v = value(name)
        parts.append(f"count({v})")
        parts.append(f"count_if(contains({v}, ','))")
        for candidate in options:
            parts.append(f"count_if({candidate.match.replace('{v}', v)})")
    if not parts:
        return {}
    sql = f"SELECT {', '.join(parts)} FROM {relation}"  # noqa: S608 - quoted names only
    row = con.execute(sql).fetchone()
    assert row is not None
    result: dict[str, list[Candidate]] = {}
    position = 0
    for name, options in candidates.items():
        present, with_comma = row[position], row[position + 1]
        position += 2
        kept = []
        for candidate in options:
            matched = row[position]
            position += 1
            if present and matched == present and (with_comma or not candidate.needs_comma):
                kept.append(candidate)
        if kept or not present:
            result[name] = kept if present else []
    return result


def _typed(name: str, candidate: Candidate, expression: str) -> InferredColumn:
    return InferredColumn(name, candidate.type, candidate.format, expression)


def _sampled(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    names: list[str],
    value: Callable[[str], str] = _value,
) -> dict[str, list[Candidate]]:
    """Candidates surviving the first rows: the first hundred drop most of them cheaply,
    then the rest of the sample judges the few left."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE infer_sample AS SELECT * FROM {relation} "  # noqa: S608
        f"LIMIT {SAMPLE_ROWS}"
    )
    start = _starting_candidates(names)
    head = _surviving(con, f"(FROM infer_sample LIMIT {FIRST_ROWS})", start, value)
    return _surviving(con, "infer_sample", {n: o for n, o in head.items() if o}, value)


def _starting_candidates(names: list[str]) -> dict[str, list[Candidate]]:
    return {
        name: [c for c in CANDIDATES if not (c.numeric and CODE_NAME.search(name))]
        for name in names
    }


def infer_columns(
    con: duckdb.DuckDBPyConnection, relation: str, names: list[str]
) -> list[InferredColumn]:
    """The type of each text column of ``relation``, verified on every value."""
    sampled = _sampled(con, relation, names)
    full = _surviving(con, relation, {n: o for n, o in sampled.items() if o})
    columns = []
    for name in names:
        options = full.get(name) or []
        if options:
            columns.append(_typed(name, options[0], options[0].cast.replace("{v}", _value(name))))
        else:
            columns.append(InferredColumn(name, "string", None, _text(name)))
    return columns


def speculative_columns(
    con: duckdb.DuckDBPyConnection, relation: str, names: list[str]
) -> list[InferredColumn]:
    """Types guessed from a sample, with conversions that fail loudly on any other value.

    Writing with these costs one pass over the data instead of two; when a value
    contradicts the guess, DuckDB raises an error containing ``SPECULATION_FAILED`` and
    the caller falls back to :func:`infer_columns`.
    """
    sampled = _sampled(con, relation, names, identifier)
    columns = []
    for name in names:
        options = sampled.get(name) or []
        if not options:
            columns.append(InferredColumn(name, "string", None, _text(name)))
            continue
        # Raw values: a value with surrounding spaces fails the guard and takes the
        # verified path, which trims.
        chosen, v = options[0], identifier(name)
        guarded = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {chosen.match.replace('{v}', v)} "
            f"THEN {chosen.cast.replace('{v}', v)} ELSE error('{SPECULATION_FAILED}') END"
        )
        columns.append(_typed(name, chosen, guarded))
    return columns


def select_list(columns: list[InferredColumn]) -> str:
    return ", ".join(f"{c.expression} AS {identifier(c.name)}" for c in columns)
