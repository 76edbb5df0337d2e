"""Persistence: the metadata store (SQLAlchemy; SQLite or PostgreSQL) and the lake (files).

Every table module is imported here, so ``tables.Base.metadata`` (what migrations compare
with) always holds them all.
"""

from socle.storage import (
    algorithms,
    anonymisation,
    deliveries,
    identities,
    participation,
    register,
    retention,
    tables,
)

__all__ = [
    "algorithms",
    "anonymisation",
    "deliveries",
    "identities",
    "participation",
    "register",
    "retention",
    "tables",
]
