"""Metadata migrations on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import sqlalchemy as sa

from socle.instance import Instance


def test_migrations_create_the_catalog_tables(any_instance: Instance) -> None:
    tables = set(sa.inspect(any_instance.db.engine).get_table_names())
    assert {"organizations", "datasets", "versions", "alembic_version"} <= tables


def test_migrating_twice_is_harmless(any_instance: Instance) -> None:
    any_instance.db.migrate()
    with any_instance.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
