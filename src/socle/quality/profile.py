"""Column profile of a dataset version: fill, ranges, frequent values, spread and meaning.

A profile tells a data steward what a version holds before reading a row of it. It is a
handful of DuckDB aggregate queries over the whole Parquet file, never a loop over rows:
one for counts and ranges of every column at once, one for every column's most frequent
values and exact distinct count, one for the histograms (their bounds come from the
first), and one for semantic types on a sample (see ``semantic``).

Missing values are SQL NULLs, plus empty text, plus NaN and infinities in number columns
(none of them is a usable value). Histogram bins are half-open ``[edges[k], edges[k+1])``,
the last one closed; whole-valued types (integer, year, date) get whole-width bins.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from socle.ingest._duckdb import session
from socle.ingest.base import ReadOptions
from socle.quality import semantic
from socle.sql import identifier, parquet_source

TEXT_TYPES = frozenset({"string", "any", "geojson", "object", "array"})
NUMERIC_TYPES = frozenset({"integer", "year", "number"})
WHOLE_TYPES = frozenset({"integer", "year", "date"})
# Long texts (descriptions, geometries) are cut in the top values to keep the profile small.
TOP_VALUE_CHARS = 200
EPOCH_DAY = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class _Column:
    name: str
    type: str

    @property
    def value(self) -> str:
        """SQL of the column's value, NULL where the profile counts it as missing."""
        column = identifier(self.name)
        if self.type in TEXT_TYPES:
            return f"NULLIF({column}, '')"
        if self.type == "number":
            return f"CASE WHEN isfinite({column}) THEN {column} END"
        if self.type == "datetime":
            return f"CAST({column} AS TIMESTAMP)"
        return column

    @property
    def key(self) -> str | None:
        """SQL of the value as a number to bin, or None for types without a histogram."""
        if self.type in NUMERIC_TYPES:
            return self.value
        if self.type == "date":
            return f"date_diff('day', DATE '1970-01-01', {self.value})"
        if self.type == "datetime":
            return f"epoch_us({self.value})"
        return None

    def stats(self) -> dict[str, str]:
        """Profile key -> SQL aggregate, all computed in the one pass over the file."""
        value = self.value
        found = {"count": f"count({value})"}
        if self.type in TEXT_TYPES:
            found |= {"minLength": f"min(length({value}))", "maxLength": f"max(length({value}))"}
        else:
            found |= {"min": f"min({value})", "max": f"max({value})"}
        if self.type in NUMERIC_TYPES:
            found |= {"mean": f"avg({value})", "std": f"stddev_samp({value})"}
        if self.key is not None:
            found |= {"low": f"min({self.key})", "high": f"max({self.key})"}
        return found


@dataclass(frozen=True)
class _Bins:
    """Equal-width bins over a column's keys, from its low and high key."""

    type: str
    low: float
    high: float
    width: float
    count: int

    @classmethod
    def over(cls, type_: str, low: float, high: float, bins: int) -> _Bins:
        if type_ in WHOLE_TYPES:
            # Exact integer ceilings: BIGINT spans do not fit a float's precision.
            span = int(high) - int(low) + 1
            whole = -(-span // bins)
            return cls(type_, low, high, whole, -(-span // whole))
        width = (high - low) / bins
        if not (math.isfinite(width) and width > 0):
            # One value, or a range too narrow or too wide for float arithmetic: one bin.
            return cls(type_, low, high, high - low, 1)
        return cls(type_, low, high, width, bins)

    def bucket(self, key: str) -> str:
        if self.count == 1:
            return "0"
        if self.type in WHOLE_TYPES:
            # HUGEINT: the distance between two BIGINTs may not fit a BIGINT.
            return f"(CAST(({key}) AS HUGEINT) - {int(self.low)}) // {int(self.width)}"
        low, width = float(self.low), float(self.width)
        return (
            f"LEAST(CAST(floor((({key}) - {low!r}::DOUBLE) / {width!r}::DOUBLE) AS BIGINT), "
            f"{self.count - 1})"
        )

    def edges(self) -> list[Any]:
        if self.type in WHOLE_TYPES:
            edges = [self.low + k * self.width for k in range(self.count + 1)]
        else:
            inner = (self.low + k * self.width for k in range(1, self.count))
            edges = [self.low, *inner, self.high]
        if self.type == "date":
            return [(EPOCH_DAY + timedelta(days=int(e))).isoformat() for e in edges]
        if self.type == "datetime":
            return [(EPOCH + timedelta(microseconds=round(e))).isoformat() for e in edges]
        return [_json(e) for e in edges]


def profile_parquet(
    path: Path,
    schema: dict[str, Any],
    *,
    memory_limit: str | None = None,
    top: int = 10,
    bins: int = 20,
) -> dict[str, Any]:
    """The JSON-safe profile of a version's Parquet file described by its Table Schema.

    ``memory_limit`` bounds DuckDB (ingest's default when None); beyond it work spills to a
    temporary folder, so a version bigger than memory can still be profiled.
    """
    if top < 0 or bins < 1:
        raise ValueError("top must be >= 0 and bins >= 1")
    started = time.perf_counter()
    columns = [_Column(f["name"], f.get("type", "string")) for f in schema.get("fields", [])]
    source = parquet_source([path])
    with _connection(memory_limit) as con:
        rows, stats = _stats(con, source, columns)
        tops = _tops(con, source, columns, top)
        histograms = _histograms(con, source, columns, stats, bins)
        meanings = semantic.detect(con, source, {c.name: c.type for c in columns})
    fields = []
    for column, found, (distinct, values), histogram in zip(
        columns, stats, tops, histograms, strict=True
    ):
        meaning = meanings.get(column.name)
        fields.append(
            {
                "name": column.name,
                "type": column.type,
                "nulls": rows - found["count"],
                "distinct": distinct,
                "distinctApprox": False,
                **{k: _json(found.get(k)) for k in ("min", "max", "mean", "std")},
                **{k: found.get(k) for k in ("minLength", "maxLength")},
                "top": values[:top],
                "histogram": histogram,
                "semanticType": meaning.type if meaning else None,
                "semanticShare": meaning.share if meaning else None,
            }
        )
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 3), "fields": fields}


@contextmanager
def _connection(memory_limit: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    limit = memory_limit or ReadOptions().memory_limit
    with (
        tempfile.TemporaryDirectory(prefix="socle-profile-") as spill,
        session(Path(spill), limit) as con,
    ):
        # Timestamps with a time zone are profiled as UTC wall time.
        con.execute("SET TimeZone = 'UTC'")
        yield con


def _stats(
    con: duckdb.DuckDBPyConnection, source: str, columns: list[_Column]
) -> tuple[int, list[dict[str, Any]]]:
    """Row count and every column's aggregates, in one query."""
    wanted = [(i, key, sql) for i, c in enumerate(columns) for key, sql in c.stats().items()]
    select = ", ".join(["count(*)", *(sql for _, _, sql in wanted)])
    rows, *values = con.execute(f"SELECT {select} FROM {source}").fetchone() or (0,)  # noqa: S608
    stats: list[dict[str, Any]] = [{} for _ in columns]
    for (index, key, _), value in zip(wanted, values, strict=True):
        stats[index][key] = value
    return rows, stats


def _tops(
    con: duckdb.DuckDBPyConnection, source: str, columns: list[_Column], top: int
) -> list[tuple[int, list[dict[str, Any]]]]:
    """Every column's exact distinct count and most frequent values, in one query.

    Each column is grouped by value once: the number of groups is the distinct count, and
    the largest groups (ties in value order) are the top values.
    """
    if not columns:
        return []
    subqueries = []
    for column in columns:
        value = f"left(v, {TOP_VALUE_CHARS})" if column.type in TEXT_TYPES else "v"
        subqueries.append(
            f"(SELECT {{'distinct': max(d), 'top': list({{'value': {value}, 'count': n}} "  # noqa: S608
            "ORDER BY n DESC, v)} "
            "FROM (SELECT v, n, count(*) OVER () AS d FROM ("
            f"SELECT {column.value} AS v, count(*) AS n FROM {source} "
            f"WHERE {column.value} IS NOT NULL GROUP BY 1) ORDER BY n DESC, v LIMIT {max(top, 1)}))"
        )
    row = con.execute("SELECT " + ", ".join(subqueries)).fetchone() or ()
    return [
        (
            found["distinct"] or 0,
            [{"value": _json(t["value"]), "count": t["count"]} for t in found["top"] or []],
        )
        for found in row
    ]


def _histograms(
    con: duckdb.DuckDBPyConnection,
    source: str,
    columns: list[_Column],
    stats: list[dict[str, Any]],
    bins: int,
) -> list[dict[str, list[Any]] | None]:
    """Histograms of numbers, dates and datetimes, all in one query over the file."""
    planned: dict[int, tuple[str, _Bins]] = {}
    for index, (column, found) in enumerate(zip(columns, stats, strict=True)):
        if column.key is not None and found["low"] is not None:
            planned[index] = (
                column.key,
                _Bins.over(column.type, found["low"], found["high"], bins),
            )
    histograms: list[dict[str, list[Any]] | None] = [None] * len(columns)
    if not planned:
        return histograms
    # FILTER, not LEAST's NULL handling: DuckDB's LEAST(NULL, n) is n, not NULL.
    select = ", ".join(
        f"histogram({b.bucket(key)}) FILTER (WHERE ({key}) IS NOT NULL)"
        for key, b in planned.values()
    )
    row = con.execute(f"SELECT {select} FROM {source}").fetchone() or ()  # noqa: S608
    for (index, (_, b)), counts in zip(planned.items(), row, strict=True):
        histograms[index] = {
            "edges": b.edges(),
            "counts": [counts.get(k, 0) for k in range(b.count)],
        }
    return histograms


def _json(value: Any) -> Any:
    """A value JSON can carry: ISO text for dates and times, None for NaN and infinities."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, date | clock):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
