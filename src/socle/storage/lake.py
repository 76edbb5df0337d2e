"""The lake: where version files live. One interface; a local folder now, S3 later.

A version is written in a private staging folder, then published under its key in one
rename, and only then recorded in the metadata database. Anything that dies before the
database commit leaves a staging folder or an unreferenced published folder, which
:meth:`LocalLake.sweep` removes once the process that wrote it is gone.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

OWNER_FILE = ".writer"


class Lake(Protocol):
    """What the version service needs from storage."""

    def new_staging(self) -> Path:
        """A fresh private folder to write a version into."""
        ...

    def publish(self, staging: Path, key: str) -> None:
        """Make the staged files visible under ``key`` in one step."""
        ...

    def path(self, key: str) -> Path:
        """Local folder of a published key (for DuckDB to read)."""
        ...

    def remove(self, key: str) -> None: ...

    def sweep(self, known_keys: Iterable[str]) -> list[str]:
        """Delete staging and unreferenced folders whose writer is dead; return what went."""
        ...


class LocalLake:
    """The lake as a local folder: ``datasets/<dataset id>/<version id>/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging_root = root / ".staging"
        self.datasets_root = root / "datasets"
        self.staging_root.mkdir(parents=True, exist_ok=True)
        self.datasets_root.mkdir(parents=True, exist_ok=True)

    def new_staging(self) -> Path:
        folder = self.staging_root / uuid.uuid4().hex
        folder.mkdir()
        _write_owner(folder)
        return folder

    def publish(self, staging: Path, key: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, target)  # atomic on one filesystem

    def path(self, key: str) -> Path:
        return self.datasets_root / key

    def remove(self, key: str) -> None:
        shutil.rmtree(self.path(key), ignore_errors=True)

    def sweep(self, known_keys: Iterable[str]) -> list[str]:
        removed: list[str] = []
        for folder in self.staging_root.iterdir():
            if not _writer_alive(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(str(folder.relative_to(self.root)))
        known = set(known_keys)
        for dataset_dir in self.datasets_root.iterdir():
            for folder in dataset_dir.iterdir():
                key = f"{dataset_dir.name}/{folder.name}"
                if key not in known and not _writer_alive(folder):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(key)
            if dataset_dir.is_dir() and not any(dataset_dir.iterdir()):
                dataset_dir.rmdir()
        return removed


def _write_owner(folder: Path) -> None:
    (folder / OWNER_FILE).write_text(json.dumps({"pid": os.getpid()}), encoding="utf-8")


def _writer_alive(folder: Path) -> bool:
    """True while the process that staged this folder may still commit it."""
    try:
        pid = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))["pid"]
    except (OSError, ValueError, KeyError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
