"""The local lake: staging, atomic publication, and the sweep of what dead writers left."""

from __future__ import annotations

import json
from pathlib import Path

from socle.storage.lake import OWNER_FILE, LocalLake


def dead_writer(folder: Path) -> None:
    # Above the kernel's largest PID (2**22): no such process, the writer is gone.
    (folder / OWNER_FILE).write_text(json.dumps({"pid": 2**22 + 12345}), encoding="utf-8")


def test_publish_moves_the_staging_folder_under_its_key(tmp_path: Path) -> None:
    lake = LocalLake(tmp_path)
    staging = lake.new_staging()
    (staging / "data.parquet").write_bytes(b"x")
    lake.publish(staging, "ds/v1")
    assert (lake.path("ds/v1") / "data.parquet").read_bytes() == b"x"
    assert not staging.exists()


def test_sweep_keeps_known_keys_and_live_writers(tmp_path: Path) -> None:
    lake = LocalLake(tmp_path)
    live = lake.new_staging()  # written by this very process: kept
    dead = lake.new_staging()
    dead_writer(dead)
    for key in ("ds/known", "ds/orphan"):
        staging = lake.new_staging()
        dead_writer(staging)
        lake.publish(staging, key)
    removed = lake.sweep(["ds/known"])
    assert live.exists()
    assert not dead.exists()
    assert lake.path("ds/known").exists()
    assert not lake.path("ds/orphan").exists()
    assert "ds/orphan" in removed


def test_sweep_removes_folders_without_owner_file(tmp_path: Path) -> None:
    lake = LocalLake(tmp_path)
    (lake.staging_root / "half-written").mkdir()
    lake.sweep([])
    assert list(lake.staging_root.iterdir()) == []
