"""Reading usage statistics through the policy door.

Whoever may read a dataset sees its public summary: totals per month. Whoever
:func:`shows_detail` allows (today the administrator; with accounts, the members of the
dataset's organization) sees the daily series. Rankings only count datasets the caller may
read, so they never reveal a hidden one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from socle.core.catalog import get_entry
from socle.core.usage.counter import Kind, today
from socle.errors import InputError
from socle.governance.policy import Action, Principal, decide, visible_clause
from socle.instance import Instance
from socle.storage.tables import Dataset, UsageCount

SUMMARY_MONTHS = 12  # default period of a dataset's statistics
RANKING_DAYS = 30  # the instance's summary: the last 30 days
RANKING_SIZE = 10
RANKINGS = {"most_viewed": "views", "most_downloaded": "downloads", "most_called": "api_calls"}
# Kind -> (key of its total, key of its breakdown by detail) in every answer.
KEYS = {
    Kind.VIEW: ("views", "views_by_page"),
    Kind.DOWNLOAD: ("downloads", "downloads_by_format"),
    Kind.API: ("api_calls", "api_calls_by_api"),
}


def shows_detail(principal: Principal, dataset: Dataset) -> bool:
    """Whether ``principal`` sees the daily detail of ``dataset``'s usage, not just months."""
    return decide(principal, Action.READ_USAGE_DETAIL, dataset).allowed


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The asked period; by default the last 12 months, the current one included."""
    end = end or today()
    if start is None:
        month = end.year * 12 + end.month - SUMMARY_MONTHS
        start = date(month // 12, month % 12 + 1, 1) if month >= 12 else date.min
    if start > end:
        raise InputError(
            f"La date de début ({start.isoformat()}) est après la date de fin ({end.isoformat()})"
        )
    return start, end


def dataset_usage(
    instance: Instance,
    principal: Principal,
    slug: str,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Totals by kind and detail over the period, and their series by day or by month."""
    entry = get_entry(instance, principal, slug)
    start, end = period(start, end)
    detailed = shows_detail(principal, entry.dataset)
    with instance.db.session() as session:
        rows = session.execute(
            select(UsageCount.day, UsageCount.kind, UsageCount.detail, UsageCount.count)
            .where(UsageCount.dataset_id == entry.dataset.id, UsageCount.day.between(start, end))
            .order_by(UsageCount.day)
        ).all()
    totals = _empty(breakdown=True)
    series: dict[str, dict[str, Any]] = {}
    for day, kind, detail, count in rows:
        _add(totals, Kind(kind), detail, count)
        label = day.isoformat() if detailed else day.strftime("%Y-%m")
        _add(series.setdefault(label, _empty(breakdown=detailed)), Kind(kind), detail, count)
    return {
        "dataset": {"id": entry.dataset.id, "slug": entry.dataset.slug},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "granularity": "day" if detailed else "month",
        "totals": totals,
        "series": [{"period": label, **counts} for label, counts in series.items()],
    }


def ranking(
    instance: Instance, principal: Principal, start: date, end: date
) -> list[dict[str, Any]]:
    """Each dataset the caller may read that was used in the period, with its totals."""
    with instance.db.session() as session:
        rows = session.execute(
            select(Dataset.slug, Dataset.title, UsageCount.kind, func.sum(UsageCount.count))
            .join(Dataset, Dataset.id == UsageCount.dataset_id)
            .where(visible_clause(principal), UsageCount.day.between(start, end))
            .group_by(Dataset.id, Dataset.slug, Dataset.title, UsageCount.kind)
        ).all()
    found: dict[str, dict[str, Any]] = {}
    for slug, title, kind, count in rows:
        entry = found.setdefault(slug, {"slug": slug, "title": title, **_empty(breakdown=False)})
        entry[KEYS[Kind(kind)][0]] += int(count)
    return sorted(found.values(), key=lambda e: (-e["views"], -e["downloads"], e["slug"]))


def instance_summary(instance: Instance, principal: Principal) -> dict[str, Any]:
    """The last 30 days: totals, and the most viewed, downloaded and queried datasets."""
    end = today()
    start = end - timedelta(days=RANKING_DAYS - 1)
    used = ranking(instance, principal, start, end)
    totals = {key: sum(e[key] for e in used) for key, _ in KEYS.values()}
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "totals": totals,
        **{name: _top(used, key) for name, key in RANKINGS.items()},
    }


def _top(used: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    ranked = sorted((e for e in used if e[key]), key=lambda e: (-e[key], e["slug"]))
    return ranked[:RANKING_SIZE]


def _empty(*, breakdown: bool) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for total, by_detail in KEYS.values():
        counts[total] = 0
        if breakdown:
            counts[by_detail] = {}
    return counts


def _add(counts: dict[str, Any], kind: Kind, detail: str, count: int) -> None:
    total, by_detail = KEYS[kind]
    counts[total] += count
    if by_detail in counts:
        counts[by_detail][detail] = counts[by_detail].get(detail, 0) + count
