"""Persistence: the metadata store (SQLAlchemy; SQLite or PostgreSQL) and the lake (files).

Every table module is imported here, so ``tables.Base.metadata`` (what migrations compare
with) always holds them all.
"""

from socle.storage import deliveries, participation, tables

__all__ = ["deliveries", "participation", "tables"]
