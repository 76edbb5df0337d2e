"""Versions: atomic commits, history, rollback, diff — on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from socle.config import Settings
from socle.core import versions
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.engine.diff import diff_versions
from socle.errors import NotFoundError, UnreadableFileError
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance, open_instance

CSV_V1 = "code_insee;commune;population\n01053;Bourg-en-Bresse;41248\n01289;Péronnas;6531\n"
CSV_V2 = (
    "code_insee;commune;population\n01053;Bourg-en-Bresse;41500\n01289;Péronnas;6531\n"
    "01451;Viriat;6400\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_first_ingest_creates_an_internal_dataset_with_version_1(
    any_instance: Instance, tmp_path: Path
) -> None:
    create_organization(any_instance, "agglo", "Agglo du Val", siren="200071751")
    source = write(tmp_path, "communes.csv", CSV_V1, "cp1252")
    version = versions.add_version(any_instance, ADMIN, source, "communes", organization="agglo")
    assert version.number == 1
    assert version.row_count == 2
    listed = versions.list_versions(any_instance, ADMIN, "communes")
    assert [v.number for v in listed] == [1]
    # Fail closed: a new dataset is internal, so anonymous callers do not see it.
    with pytest.raises(NotFoundError):
        versions.list_versions(any_instance, ANONYMOUS, "communes")
    raw = versions.raw_path(any_instance, version)
    assert raw.read_bytes() == source.read_bytes()
    assert version.raw_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    data = versions.data_paths(any_instance, version)[0]
    assert version.data_sha256 == hashlib.sha256(data.read_bytes()).hexdigest()
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{data}') ORDER BY 1").fetchall()
    assert rows[0][0] == "01053"  # the INSEE code kept its leading zero
    assert rows[1][1] == "Péronnas"
    assert (version_dir := data.parent / "manifest.json").is_file(), version_dir


def test_versions_accumulate_and_rollback_never_rewrites_history(
    any_instance: Instance, tmp_path: Path
) -> None:
    v1 = versions.add_version(any_instance, ADMIN, write(tmp_path, "a.csv", CSV_V1), "communes")
    v2 = versions.add_version(any_instance, ADMIN, write(tmp_path, "b.csv", CSV_V2), "communes")
    assert (v1.number, v2.number) == (1, 2)
    v3 = versions.rollback(any_instance, ADMIN, "communes", 1)
    assert v3.number == 3
    assert v3.rolled_back_from == 1
    assert v3.data_sha256 == v1.data_sha256
    assert [v.number for v in versions.list_versions(any_instance, ADMIN, "communes")] == [3, 2, 1]
    latest = versions.get_version(any_instance, ADMIN, "communes")
    assert latest.number == 3
    assert versions.data_paths(any_instance, latest)[0].read_bytes() == (
        versions.data_paths(any_instance, v1)[0].read_bytes()
    )


def test_failed_ingest_leaves_previous_version_and_no_leftovers(
    any_instance: Instance, tmp_path: Path
) -> None:
    versions.add_version(any_instance, ADMIN, write(tmp_path, "a.csv", CSV_V1), "communes")
    bad = tmp_path / "image.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    with pytest.raises(UnreadableFileError) as caught:
        versions.add_version(any_instance, ADMIN, bad, "communes")
    assert "image.csv" in caught.value.message
    assert [v.number for v in versions.list_versions(any_instance, ADMIN, "communes")] == [1]
    assert list(any_instance.lake.staging_root.iterdir()) == []
    # A failed first ingest creates nothing.
    with pytest.raises(UnreadableFileError):
        versions.add_version(any_instance, ADMIN, bad, "autre")
    with pytest.raises(NotFoundError):
        versions.list_versions(any_instance, ADMIN, "autre")


def test_missing_file_is_a_clear_error(instance: Instance, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="introuvable"):
        versions.add_version(instance, ADMIN, tmp_path / "absent.csv", "x")


def test_metadata_given_at_ingest_is_applied(instance: Instance, tmp_path: Path) -> None:
    meta = parse_metadata(title="Communes", access="public", themes=["regi"], licence="lov2")
    versions.add_version(
        instance, ADMIN, write(tmp_path, "a.csv", CSV_V1), "communes", metadata=meta
    )
    assert [v.number for v in versions.list_versions(instance, ANONYMOUS, "communes")] == [1]


def test_diff_by_row_hash_and_by_primary_key(instance: Instance, tmp_path: Path) -> None:
    v1 = versions.add_version(instance, ADMIN, write(tmp_path, "a.csv", CSV_V1), "communes")
    v2 = versions.add_version(instance, ADMIN, write(tmp_path, "b.csv", CSV_V2), "communes")
    args = (
        versions.data_paths(instance, v1),
        v1.table_schema,
        versions.data_paths(instance, v2),
        v2.table_schema,
    )
    by_hash = diff_versions(*args)
    assert (by_hash.rows_added, by_hash.rows_removed, by_hash.rows_changed) == (2, 1, 0)
    by_key = diff_versions(*args, primary_key=["code_insee"])
    assert (by_key.rows_added, by_key.rows_removed, by_key.rows_changed) == (1, 0, 1)
    assert by_key.samples["added"][0]["commune"] == "Viriat"
    assert by_key.samples["changed"][0]["population"] == "41500"


def test_diff_reports_schema_changes(instance: Instance, tmp_path: Path) -> None:
    v1 = versions.add_version(instance, ADMIN, write(tmp_path, "a.csv", CSV_V1), "communes")
    changed = "code_insee;commune;surface\n01053;Bourg-en-Bresse;23,86\n"
    v2 = versions.add_version(instance, ADMIN, write(tmp_path, "b.csv", changed), "communes")
    result = diff_versions(
        versions.data_paths(instance, v1),
        v1.table_schema,
        versions.data_paths(instance, v2),
        v2.table_schema,
    )
    assert result.schema.added == ["surface"]
    assert result.schema.removed == ["population"]


KILLED_INGEST = """
import sys
from pathlib import Path
from socle.config import Settings
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.instance import open_instance
inst = open_instance(Settings(home=Path(sys.argv[1])))
add_version(inst, ADMIN, Path(sys.argv[2]), "comptages")
"""


@pytest.mark.slow
def test_kill_9_during_ingest_keeps_previous_version(tmp_path: Path) -> None:
    home = tmp_path / "home"
    inst = open_instance(Settings(home=home))
    first = versions.add_version(inst, ADMIN, write(tmp_path, "a.csv", CSV_V1), "comptages")
    inst.close()
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write("code_insee;commune;population\n")
        line = "01053;Bourg-en-Bresse;41248\n" * 10_000
        for _ in range(300):  # 3 M rows, ~80 MB: long enough to be killed midway
            f.write(line)
    child = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(home), str(big)])
    staging = home / "lake" / ".staging"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        (d / "data.parquet").exists() or (d / "raw").exists() for d in staging.iterdir()
    ):
        time.sleep(0.02)
    time.sleep(0.3)
    assert child.poll() is None, "the ingest finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert any(staging.iterdir()), "the killed ingest should have left its staging folder"
    reopened = open_instance(Settings(home=home))
    try:
        listed = versions.list_versions(reopened, ADMIN, "comptages")
        assert [v.number for v in listed] == [1]
        assert listed[0].data_sha256 == first.data_sha256
        assert versions.data_paths(reopened, listed[0])[0].is_file()
        assert list(staging.iterdir()) == []  # swept at start
    finally:
        reopened.close()
