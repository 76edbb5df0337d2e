"""Persistence: the metadata store (SQLAlchemy; SQLite or PostgreSQL) and the lake (files)."""
