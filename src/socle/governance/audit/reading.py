"""Reading the log: filters, pages for the API and the CLI, and a CSV export for Excel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from socle.core.csvexport import spreadsheet_csv
from socle.errors import InputError, NotFoundError
from socle.governance.audit.chain import timestamp
from socle.governance.audit.events import can_read_audit
from socle.governance.identity import Role
from socle.governance.policy import Principal, organizations_where, visible_clause
from socle.storage.db import Database
from socle.storage.tables import AuditEntry, Dataset

RESULTS = ("allowed", "denied")
MAX_PAGE_SIZE = 500
BATCH = 1000
CSV_HEADER = [
    "n°",
    "date (UTC)",
    "qui",
    "type",
    "adresse IP",
    "action",
    "jeu de données",
    "identifiant du jeu",
    "version",
    "requête",
    "détails",
    "résultat",
    "sceau précédent",
    "sceau",
]


@dataclass(frozen=True)
class AuditFilters:
    """Which entries to show; ``until`` is exclusive."""

    dataset: str | None = None  # a slug: entries under that slug or on the dataset it names now
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    result: str | None = None

    @classmethod
    def parse(
        cls,
        *,
        dataset: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        result: str | None = None,
    ) -> AuditFilters:
        """From text (CLI options, query string); a day given for ``until`` is included."""
        if result is not None and result not in RESULTS:
            raise InputError(f"Résultat « {result} » inconnu : attendu allowed ou denied")
        return cls(
            dataset=dataset or None,
            actor=actor or None,
            action=action or None,
            since=_moment(since, "since", end=False),
            until=_moment(until, "until", end=True),
            result=result,
        )

    def clause(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.dataset:
            current = select(Dataset.id).where(Dataset.slug == self.dataset).scalar_subquery()
            conditions.append(
                or_(AuditEntry.dataset_slug == self.dataset, AuditEntry.dataset_id == current)
            )
        if self.actor:
            conditions.append(AuditEntry.actor == self.actor)
        if self.action:
            conditions.append(AuditEntry.action == self.action)
        if self.since:
            conditions.append(AuditEntry.at >= self.since)
        if self.until:
            conditions.append(AuditEntry.at < self.until)
        if self.result:
            conditions.append(AuditEntry.result == self.result)
        return conditions


@dataclass
class AuditPage:
    total_count: int
    entries: list[AuditEntry]


def search(
    db: Database,
    principal: Principal,
    filters: AuditFilters,
    *,
    page: int = 1,
    page_size: int = 50,
) -> AuditPage:
    """One page of matching entries the principal may read, newest first."""
    conditions = filters.clause() + scope(principal)
    if page < 1:
        raise InputError("Le numéro de page commence à 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"La taille de page doit être entre 1 et {MAX_PAGE_SIZE}")
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
        rows = session.scalars(
            _newest_first(conditions).limit(page_size).offset((page - 1) * page_size)
        ).all()
    return AuditPage(total or 0, list(rows))


def entries(db: Database, principal: Principal, filters: AuditFilters) -> Iterator[AuditEntry]:
    """Every matching entry the principal may read, newest first, read in batches (the
    principal is checked before the first)."""
    return _stream(db, filters.clause() + scope(principal))


def scope(principal: Principal) -> list[ColumnElement[bool]]:
    """Conditions on the entries ``principal`` may read (none: all of them): an
    organization's DPO reads the entries about its datasets, its administrators those about
    the datasets they may read (not ``restricted`` ones). The log does not exist for anyone
    else, like any hidden thing."""
    if not can_read_audit(principal):
        raise NotFoundError("Cette adresse n'existe pas")
    if principal.is_admin:
        return []
    dpo = organizations_where(principal, {Role.DPO})
    admin = organizations_where(principal, {Role.ADMIN})
    datasets = select(Dataset.id).where(
        or_(
            Dataset.organization_id.in_(dpo),
            and_(Dataset.organization_id.in_(admin), visible_clause(principal)),
        )
    )
    return [AuditEntry.dataset_id.in_(datasets)]


def _stream(db: Database, conditions: list[ColumnElement[bool]]) -> Iterator[AuditEntry]:
    with db.session() as session:
        yield from session.scalars(_newest_first(conditions).execution_options(yield_per=BATCH))


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """An entry as the API shows it."""
    return {
        "seq": entry.seq,
        "at": timestamp(entry.at),
        "actor": entry.actor,
        "actor_kind": entry.actor_kind,
        "client_ip": entry.client_ip,
        "action": entry.action,
        "dataset_id": entry.dataset_id,
        "dataset": entry.dataset_slug,
        "version": entry.version,
        "query": entry.query,
        "details": entry.details,
        "result": entry.result,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def csv_chunks(rows: Iterator[AuditEntry]) -> Iterator[bytes]:
    """CSV for French spreadsheets (see :mod:`socle.core.csvexport`), a chunk per thousand."""
    return spreadsheet_csv(CSV_HEADER, (_row(entry) for entry in rows), batch=BATCH)


def _row(entry: AuditEntry) -> list[Any]:
    view = entry_view(entry)
    cells = [view[key] for key in ("seq", "at", "actor", "actor_kind", "client_ip")]
    cells += [view["action"], view["dataset"], view["dataset_id"], view["version"]]
    cells += [_json(view["query"]), _json(view["details"]), view["result"]]
    return [*cells, view["prev_hash"], view["hash"]]


def _newest_first(conditions: list[ColumnElement[bool]]) -> Select[AuditEntry]:
    return select(AuditEntry).where(*conditions).order_by(AuditEntry.seq.desc())


def _moment(text: str | None, name: str, *, end: bool) -> datetime | None:
    """``2024-05-01`` (a whole day) or an ISO 8601 date and time (UTC unless it says)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1 if end else 0), time(), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"Date « {text} » illisible pour {name} : attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
