"""Geographic features of a version: pages of GeoJSON features filtered by box, time and
property values, one feature by id, and the data's extent.

A feature's id is its row number in the version's data file, from 1: versions never change,
so an id names the same feature for as long as the version exists. Filtering by box reads
the version's bounds table (see :mod:`socle.engine.geo`), built on first use and kept in a
cache folder keyed by the version, beside the extent computed in the same pass.

DuckDB writes each feature's GeoJSON text itself, so a page of ten thousand features is
assembled without a Python object per value.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socle.core.tableschema import field_types, geometry_field
from socle.engine.compiler import compile_where
from socle.engine.geo import (
    BOUND_COLUMNS,
    BBox,
    bounds_path,
    bounds_table,
    ensure_bounds,
    intersects_sql,
    with_bounds,
)
from socle.engine.records import DEFAULT_MEMORY, DEFAULT_TIMEOUT, bounded_connection
from socle.errors import InputError, NotFoundError
from socle.sql import identifier, literal

EXTENT_FILE = "extent.json"
TEMPORAL = ("date", "datetime")
# Types a property filter ``?field=value`` accepts: one value compares exactly.
QUERYABLE = frozenset({"string", "integer", "number", "year", "boolean", "date", "datetime"})
TRUE_TEXT, FALSE_TEXT = (
    frozenset({"true", "1", "oui", "vrai"}),
    frozenset({"false", "0", "non", "faux"}),
)
TYPE_NAMES = {
    "integer": "un nombre entier",
    "year": "une année",
    "number": "un nombre",
    "date": "une date AAAA-MM-JJ",
    "datetime": "une date-heure RFC 3339",
}
FID = "file_row_number"


@dataclass(frozen=True)
class Layout:
    """What a (visible) schema says of a geographic dataset."""

    geometry: str
    temporal: str | None  # the first date or datetime field: what ``datetime`` filters
    fields: dict[str, str]  # every visible field but the geometry -> Table Schema type

    @classmethod
    def of(cls, schema: dict[str, Any]) -> Layout | None:
        """The layout, or None when the schema has no geometry."""
        geometry = geometry_field(schema)
        if geometry is None:
            return None
        fields = {n: t for n, t in field_types(schema).items() if n != geometry}
        temporal = next((n for n, t in fields.items() if t in TEMPORAL), None)
        return cls(geometry, temporal, fields)

    @property
    def queryables(self) -> dict[str, str]:
        return {n: t for n, t in self.fields.items() if t in QUERYABLE}


@dataclass(frozen=True)
class Interval:
    """Inclusive bounds; a ``date`` bound covers its whole day. None: open."""

    start: dt.date | dt.datetime | None
    end: dt.date | dt.datetime | None


def parse_datetime(text: str) -> Interval:
    """An RFC 3339 instant or interval (``a/b``, ``../b``, ``a/..``) as OGC API defines it."""
    parts = text.split("/")
    if len(parts) > 2:
        raise InputError(f"datetime « {text} » : une date, ou deux séparées par « / »")
    if len(parts) == 1:
        instant = _instant(parts[0])
        if instant is None:
            raise InputError("datetime : « .. » n'est permis que dans un intervalle")
        return Interval(instant, instant)
    start, end = (_instant(p) for p in parts)
    if start is None and end is None:
        raise InputError("datetime : un intervalle doit avoir au moins une borne")
    if start is not None and end is not None and _as_datetime(start) > _as_datetime(end):
        raise InputError(f"datetime « {text} » : l'intervalle se termine avant de commencer")
    return Interval(start, end)


def _instant(text: str) -> dt.date | dt.datetime | None:
    text = text.strip()
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise InputError(
            f"datetime : « {text} » n'est pas une date (AAAA-MM-JJ) ni une date-heure RFC 3339 "
            "(AAAA-MM-JJTHH:MM:SSZ)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def parse_bbox(text: str) -> BBox:
    """``minx,miny,maxx,maxy`` (or six numbers with heights, ignored) in CRS84."""
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        raise InputError(f"bbox « {text} » : les coordonnées doivent être des nombres") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4:
        raise InputError(
            f"bbox « {text} » : 4 nombres attendus, longitude et latitude minimales puis maximales"
        )
    return BBox(*numbers)


@dataclass(frozen=True)
class FeatureQuery:
    """A page request; ``restriction`` is the policy's row filter (query language)."""

    bbox: BBox | None = None
    datetime: Interval | None = None
    properties: dict[str, str] = field(default_factory=dict)
    limit: int = 10
    offset: int = 0
    restriction: str | None = None


@dataclass
class FeaturePage:
    number_matched: int
    features: list[str]  # GeoJSON Feature texts


@dataclass(frozen=True)
class Source:
    """A version's data file, its layout and the cache folder of its derived files."""

    data: Path
    layout: Layout
    cache: Path
    timeout: float = DEFAULT_TIMEOUT
    memory_limit: str = DEFAULT_MEMORY

    def bounds(self) -> Path:
        """The bounds table, built on first use (and the extent with it)."""
        target = bounds_path(self.cache, self.layout.geometry)
        if not target.exists():
            with bounded_connection(self.timeout, self.memory_limit) as con:
                ensure_bounds(con, self.data, self.layout.geometry, self.cache)
        return target

    def known_extent(self) -> dict[str, Any] | None:
        """The unrestricted extent if it was already computed, without computing it."""
        try:
            return json.loads((self.cache / EXTENT_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return None

    def extent(self, restriction: str | None = None) -> dict[str, Any]:
        """``bbox`` [minx, miny, maxx, maxy] (or None) and ``interval`` [start, end] (or None).

        Unrestricted, it is computed once per version and cached; a row restriction of the
        policy computes it over the rows the caller may see only.
        """
        cached = self.cache / EXTENT_FILE
        if restriction is None and (known := self.known_extent()) is not None:
            return known
        params: list[Any] = []
        where = self._where(FeatureQuery(restriction=restriction), params)
        minx, miny, maxx, maxy = BOUND_COLUMNS
        temporal = self.layout.temporal
        times = (
            f"min({identifier(temporal)}), max({identifier(temporal)})"
            if temporal
            else "NULL, NULL"
        )
        sql = (
            f"SELECT min({minx}), min({miny}), max({maxx}), max({maxy}), {times} "  # noqa: S608
            f"FROM {with_bounds(self._table(), self.bounds())}{where}"
        )
        with bounded_connection(self.timeout, self.memory_limit) as con:
            row = con.execute(sql, params).fetchone() or (None,) * 6
        box = list(row[:4]) if row[0] is not None else None
        interval = [_iso(row[4], False), _iso(row[5], True)] if row[4] is not None else None
        extent = {"bbox": box, "interval": interval}
        if restriction is None:
            temporary = self.cache / f".{uuid.uuid4().hex}.json"
            temporary.write_text(json.dumps(extent), encoding="utf-8")
            os.replace(temporary, cached)
        return extent

    def page(self, query: FeatureQuery) -> FeaturePage:
        """The matching features from ``offset``, at most ``limit``, and how many match.

        Rows come in file order without ORDER BY: DuckDB keeps a scan's order
        (``preserve_insertion_order``, on by default), which lets LIMIT stop the scan early;
        sorting by row number would read every match first (about 7× slower on 1 M points).
        """
        params: list[Any] = []
        where = self._where(query, params)
        source = with_bounds(self._table(), self.bounds()) if query.bbox else self._table()
        rows_sql = (
            f"SELECT {self._feature_json()} FROM {source}{where} "  # noqa: S608
            f"LIMIT {int(query.limit)} OFFSET {int(query.offset)}"
        )
        if query.bbox and not (query.restriction or query.datetime or query.properties):
            source = bounds_table(self.bounds())  # a box alone: count on the bounds only
        with bounded_connection(self.timeout, self.memory_limit) as con:
            features = [text for (text,) in con.execute(rows_sql, params).fetchall()]
            if query.offset == 0 and len(features) < query.limit:
                matched = len(features)
            else:
                count_sql = f"SELECT count(*) FROM {source}{where}"  # noqa: S608
                row = con.execute(count_sql, params).fetchone()
                matched = int(row[0]) if row else 0
        return FeaturePage(matched, features)

    def feature(self, fid: int, restriction: str | None = None) -> str:
        """One feature's GeoJSON text; NotFoundError if no row has this id (or is visible)."""
        params: list[Any] = []
        where = self._where(FeatureQuery(restriction=restriction), params)
        where = f"{where} AND {FID} = ?" if where else f" WHERE {FID} = ?"
        params.append(fid - 1)
        sql = f"SELECT {self._feature_json()} FROM {self._table()}{where}"  # noqa: S608
        with bounded_connection(self.timeout, self.memory_limit) as con:
            row = con.execute(sql, params).fetchone() if fid >= 1 else None
        if row is None:
            raise NotFoundError(f"Entité {fid} introuvable")
        return str(row[0])

    # SQL ----------------------------------------------------------------------------------

    def _table(self) -> str:
        return f"read_parquet({literal(str(self.data))}, file_row_number = true)"

    def _feature_json(self) -> str:
        properties = ", ".join(
            f"{literal(name)}, {_json_value(name, type_)}"
            for name, type_ in self.layout.fields.items()
        )
        geometry = f"TRY_CAST({identifier(self.layout.geometry)} AS JSON)"
        return (
            f"json_object('type', 'Feature', 'id', {FID} + 1, 'geometry', {geometry}, "
            f"'properties', json_object({properties}))"
        )

    def _where(self, query: FeatureQuery, params: list[Any]) -> str:
        conditions = []
        if query.restriction:
            fields = {**self.layout.fields, self.layout.geometry: "geojson"}
            conditions.append(compile_where(query.restriction, fields, params))
        if query.bbox:
            conditions.append(intersects_sql(query.bbox, BOUND_COLUMNS, params))
        if query.datetime:
            conditions.append(self._during(query.datetime, params))
        queryables = self.layout.queryables
        for name, text in query.properties.items():
            params.append(_typed(text, queryables[name], name))
            conditions.append(f"{identifier(name)} = ?")
        return f" WHERE {' AND '.join(conditions)}" if conditions else ""

    def _during(self, interval: Interval, params: list[Any]) -> str:
        if self.layout.temporal is None:
            raise InputError("datetime : ce jeu de données n'a pas de champ date ou date-heure")
        column = identifier(self.layout.temporal)
        is_date = self.layout.fields[self.layout.temporal] == "date"
        conditions = []
        if interval.start is not None:
            start = interval.start
            params.append(start.date() if is_date and isinstance(start, dt.datetime) else start)
            conditions.append(f"{column} >= ?")
        if interval.end is not None:
            end = interval.end
            if is_date:
                params.append(end.date() if isinstance(end, dt.datetime) else end)
                conditions.append(f"{column} <= ?")
            elif isinstance(end, dt.datetime):
                params.append(end)
                conditions.append(f"{column} <= ?")
            else:  # a day given as the end of a datetime interval includes the whole day
                params.append(_as_datetime(end) + dt.timedelta(days=1))
                conditions.append(f"{column} < ?")
        return "(" + " AND ".join(conditions) + ")"


def _json_value(name: str, type_: str) -> str:
    """A column as a JSON value: date-times in ISO 8601 with a ``T``."""
    column = identifier(name)
    if type_ == "datetime":
        return f"replace(CAST({column} AS VARCHAR), ' ', 'T')"
    return column


def _typed(text: str, type_: str, name: str) -> Any:
    """A property filter's value as the field's type, or a French error naming the field."""
    try:
        if type_ in ("integer", "year"):
            return int(text)
        if type_ == "number":
            return float(text.replace(",", "."))
        if type_ == "date":
            return dt.date.fromisoformat(text)
        if type_ == "datetime":
            return _instant(text)
    except (ValueError, InputError):
        raise InputError(
            f"« {text} » n'est pas {TYPE_NAMES[type_]} (propriété « {name} »)"
        ) from None
    if type_ == "boolean":
        if text.lower() not in TRUE_TEXT | FALSE_TEXT:
            raise InputError(f"« {text} » n'est pas un booléen (propriété « {name} »)")
        return text.lower() in TRUE_TEXT
    return text


def _iso(value: dt.date | dt.datetime, end: bool) -> str:
    """RFC 3339 in UTC; a day stands for its first instant, or its last at an interval's end."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59) if end else dt.time())
    return value.isoformat() + "Z"
