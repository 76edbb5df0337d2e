"""Sealing and appending entries: the hash chain itself.

An entry's seal is the SHA-256 of its canonical JSON (sorted keys, no spaces, UTF-8), which
includes its number and the previous entry's seal. Appending first bumps the head row's
counter with an UPDATE: PostgreSQL locks that row and SQLite takes its write lock, so
concurrent writers queue there and the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from socle.storage.tables import AuditEntry, AuditHead, as_utc, utcnow

GENESIS = "0" * 64  # the seal "before" the first entry; also in migration 0006
HEAD_ID = 1
# What an entry's seal covers: every column but the seal itself.
SEALED = (
    "seq",
    "at",
    "actor",
    "actor_kind",
    "client_ip",
    "action",
    "dataset_id",
    "dataset_slug",
    "version",
    "query",
    "details",
    "result",
    "prev_hash",
)
# Built once and run on the session's connection, outside the ORM's unit of work: every
# logged read appends, and both were most of an append's CPU (bench/policy.py).
_BUMP = (
    update(AuditHead)
    .where(AuditHead.id == HEAD_ID)
    .values(last_seq=AuditHead.last_seq + 1)
    .returning(AuditHead.last_seq, AuditHead.last_hash)
)
_INSERT = insert(AuditEntry)
_SEAL_HEAD = update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_hash=bindparam("sealed"))


@dataclass(frozen=True)
class Occurrence:
    """What happened, before the log numbers and seals it."""

    actor: str
    actor_kind: str
    action: str
    result: str  # allowed | denied
    client_ip: str | None = None
    dataset_id: str | None = None
    dataset_slug: str | None = None
    version: int | None = None
    query: dict[str, Any] | None = None
    details: dict[str, Any] | None = None


def append(session: Session, occurred: Occurrence) -> None:
    """Number, seal and insert ``occurred`` in ``session``'s transaction."""
    session.flush()  # the transaction's pending changes go first, as they always did
    connection = session.connection()
    seq, previous = connection.execute(_BUMP).one()
    row = {
        "seq": seq,
        "at": utcnow(),  # read once the head is held, so times follow numbers
        "actor": occurred.actor,
        "actor_kind": occurred.actor_kind,
        "client_ip": occurred.client_ip,
        "action": occurred.action,
        "dataset_id": occurred.dataset_id,
        "dataset_slug": occurred.dataset_slug,
        "version": occurred.version,
        "query": _plain(occurred.query),
        "details": _plain(occurred.details),
        "result": occurred.result,
        "prev_hash": previous,
    }
    row["hash"] = _digest(row)
    connection.execute(_INSERT, row)
    connection.execute(_SEAL_HEAD, {"sealed": row["hash"]})


def seal(entry: AuditEntry) -> str:
    """The SHA-256 of the entry's canonical content (everything but the seal itself)."""
    return _digest({name: getattr(entry, name) for name in SEALED})


def _digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(
        {name: timestamp(content[name]) if name == "at" else content[name] for name in SEALED},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def timestamp(moment: datetime) -> str:
    """UTC, to the microsecond; SQLite gives back naive datetimes, which are UTC here."""
    return as_utc(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The value as the JSON column gives it back, so the seal is computed on that."""
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))
