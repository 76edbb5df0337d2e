"""An opened Socle instance: settings, metadata database and lake, ready for services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from socle.config import Settings
from socle.storage.db import Database
from socle.storage.lake import LocalLake
from socle.storage.tables import Version


@dataclass
class Instance:
    settings: Settings
    db: Database
    lake: LocalLake

    def close(self) -> None:
        self.db.dispose()


def open_instance(settings: Settings) -> Instance:
    """Create or open the instance: migrate metadata, clean what a killed job left behind."""
    settings.home.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    db.migrate()
    lake = LocalLake(settings.effective_lake_path)
    with db.session() as session:
        known = session.scalars(select(Version.lake_key)).all()
    lake.sweep(known)
    return Instance(settings=settings, db=db, lake=lake)
