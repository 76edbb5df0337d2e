"""Metadata migrations on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from socle.instance import Instance
from socle.storage.tables import Base

HEAD = "0016"


def test_migrations_create_the_catalog_tables(any_instance: Instance) -> None:
    tables = set(sa.inspect(any_instance.db.engine).get_table_names())
    assert {
        "organizations",
        "schemas",
        "datasets",
        "versions",
        "users",
        "memberships",
        "api_tokens",
        "usage_counts",
        "audit_entries",
        "audit_head",
        "reuses",
        "data_requests",
        "comments",
        "notifications",
        "agreements",
        "agreement_datasets",
        "grants",
        "version_purges",
        "anonymisation_runs",
        "processing_registers",
        "processing_activities",
        "processing_datasets",
        "algorithm_processings",
        "alembic_version",
    } <= tables


def test_migrating_twice_is_harmless(any_instance: Instance) -> None:
    any_instance.db.migrate()
    with any_instance.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD


def test_migrations_match_the_models(any_instance: Instance) -> None:
    """A model changed without a migration (or the reverse) shows up here."""
    with any_instance.db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []
