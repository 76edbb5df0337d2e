"""Reads logged in the background (AuditEvent.background): stored before the answer, and a
failure to store them is the read's failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from socle.core.records import read_records
from socle.engine import RecordQuery
from socle.governance.audit import AuditEvent
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.storage.db import Database
from socle.storage.tables import Dataset
from tests.api.conftest import populate
from tests.governance.test_audit_logging import last_seq, logged


def test_a_read_returns_only_once_its_entry_is_stored(instance: Instance, tmp_path: Path) -> None:
    populate(instance, tmp_path)  # « subventions » is internal: its reads are logged
    for _ in range(5):
        before = last_seq(instance)
        read_records(instance, ADMIN, "subventions", RecordQuery(limit=1))
        (entry,) = logged(instance, before)
        assert (entry.action, entry.dataset_slug) == ("read/records", "subventions")


def test_an_entry_that_cannot_be_stored_fails_the_read(tmp_path: Path) -> None:
    unmigrated = Database(f"sqlite:///{tmp_path / 'vide.db'}")  # no audit table
    event = AuditEvent(unmigrated, "read/records", background=True)
    event.record(ADMIN, Dataset(id="d1", slug="interne", access="internal"), True)
    with pytest.raises(OperationalError):
        event.settle()
    unmigrated.dispose()
