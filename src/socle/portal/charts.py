"""The chart builder: one aggregate over groups of a field, or over periods of a date field.

Everything the chart shows is in its query string (type, field, aggregate, filter), so a
chart is a link. Groups and periods come from the records service through the query
language (``group_by=date_format(jour, 'yyyy-MM')`` for periods), exactly what the API call
shown under the chart returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from socle.core.records import read_records
from socle.core.tableschema import NUMERIC_TYPES
from socle.engine import RecordQuery
from socle.engine.records import MAX_PAGE_ROWS
from socle.errors import InputError, LimitExceededError, QuerySyntaxError
from socle.governance.policy import Principal
from socle.instance import Instance
from socle.portal.preview import FilterError, api_call, field_reference

ChartType = Literal["bar", "line", "pie", "area"]
Aggregate = Literal["count", "sum", "avg", "min", "max"]
Bucket = Literal["year", "month", "day"]
# date_format patterns of the query language for each period.
PERIODS: dict[str, str] = {"year": "yyyy", "month": "yyyy-MM", "day": "yyyy-MM-dd"}
PERIOD = "__periode"
MAX_GROUPS = 50  # more bars or slices than this cannot be read
MAX_PERIODS = 1000
VALUE = "__valeur"
DATES = {"date", "datetime"}
NOT_GROUPABLE = {"geojson", "object", "array"}


@dataclass(frozen=True)
class ChartSpec:
    type: ChartType
    x: str
    aggregate: Aggregate
    y: str | None
    bucket: Bucket | None  # set when ``x`` is a date field
    where: str | None

    def params(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "x": self.x,
            "agregat": self.aggregate,
            "y": self.y,
            "pas": self.bucket,
            "where": self.where,
        }


@dataclass(frozen=True)
class ChartData:
    labels: list[Any]
    values: list[Any]
    truncated: bool  # more groups than shown
    limit: int
    api_call: str


def groupable(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        f
        for f in fields
        if f.get("type", "string") not in NOT_GROUPABLE and field_reference(f["name"])
    ]


def numeric(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in groupable(fields) if f.get("type") in NUMERIC_TYPES]


def chart_spec(
    fields: list[dict[str, Any]],
    type_: ChartType,
    x: str | None,
    aggregate: Aggregate,
    y: str | None,
    bucket: Bucket | None,
    where: str | None,
) -> ChartSpec | None:
    """The chart asked for, with defaults filled in; None when nothing can be grouped."""
    types = {f["name"]: f.get("type", "string") for f in groupable(fields)}
    if not types:
        return None
    if x is None:
        x = next((n for n, t in types.items() if t == "string"), next(iter(types)))
    elif x not in types:
        raise InputError(f"Champ inconnu ou non groupable « {x} »", parameter="x")
    measured = [f["name"] for f in numeric(fields)]
    if aggregate == "count":
        y = None
    elif y is None and measured:
        y = measured[0]
    elif y not in measured:
        raise InputError(
            f"« {aggregate} » demande un champ numérique : choisissez-le dans la liste",
            parameter="y",
        )
    bucket = (bucket or "month") if types[x] in DATES else None
    return ChartSpec(type_, x, aggregate, y, bucket, where or None)


def load_chart(
    instance: Instance,
    principal: Principal,
    base: str,
    slug: str,
    spec: ChartSpec,
) -> ChartData | FilterError:
    """The chart's labels and values, or why its filter cannot run."""
    limit = MAX_GROUPS if spec.bucket is None else MAX_PERIODS
    try:
        # One more than shown tells whether some were cut, one more for empty dates.
        records = read_records(instance, principal, slug, _group_query(spec, limit + 2))
    except QuerySyntaxError as exc:
        return FilterError(exc.message, exc.parameter, exc.position, exc.status)
    except (InputError, LimitExceededError) as exc:
        return FilterError(exc.message, None, None, exc.status)
    key = spec.x if spec.bucket is None else PERIOD
    # Rows without a date have no period: a time series skips them.
    rows = [r for r in records.results if spec.bucket is None or r[PERIOD] is not None]
    return ChartData(
        [r[key] for r in rows[:limit]],
        [r[VALUE] for r in rows[:limit]],
        len(rows) > limit,
        limit,
        # The API serves pages of at most 100 rows: a longer series is read page by page.
        api_call(base, slug, _group_query(spec, min(limit, MAX_PAGE_ROWS))),
    )


def _group_query(spec: ChartSpec, limit: int) -> RecordQuery:
    x = str(field_reference(spec.x))
    measure = (
        "count(*)"
        if spec.aggregate == "count"
        else f"{spec.aggregate}({field_reference(spec.y or '')})"
    )
    if spec.bucket is not None:
        period = f"date_format({x}, '{PERIODS[spec.bucket]}') as {PERIOD}"
        return RecordQuery(
            select=f"{measure} as {VALUE}",
            where=spec.where,
            group_by=period,
            order_by=PERIOD,
            limit=limit,
        )
    # Bars and slices read best largest first; lines and areas follow the field's order.
    order = f"{VALUE} desc" if spec.type in ("bar", "pie") else x
    return RecordQuery(
        select=f"{x}, {measure} as {VALUE}",
        where=spec.where,
        group_by=x,
        order_by=order,
        limit=limit,
    )
