"""Hostile archives: path traversal, decompression bombs (absolute and ratio), nested
archives — refused with a clear error, through the reader and through the CLI's ingest."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socle.cli import app
from socle.errors import LimitExceededError, UnreadableFileError
from socle.ingest import ReadOptions, read_file
from socle.ingest.compressed import unpacked
from socle.ingest.limits import RATIO_FLOOR, UnpackLimits

CSV = b"insee;nom\n01053;Bourg-en-Bresse\n01289;Peronnas\n"


def zip_with(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name), content, zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize(
    "name",
    ["../evil.csv", "data/../../evil.csv", "/etc/evil.csv", "..\\evil.csv", "C:\\evil.csv"],
)
def test_a_zip_entry_outside_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    archive = zip_with(tmp_path / "communes.zip", {name: CSV})
    with pytest.raises(UnreadableFileError, match="chemin interdit"):
        read_file(archive, tmp_path / "out.parquet")
    assert not (tmp_path.parent / "evil.csv").exists()
    assert list(tmp_path.iterdir()) == [archive]  # nothing left behind


def test_a_traversal_entry_is_refused_even_beside_a_good_one(tmp_path: Path) -> None:
    archive = zip_with(tmp_path / "communes.zip", {"../../x/": b"", "communes.csv": CSV})
    with pytest.raises(UnreadableFileError, match="chemin interdit"):
        read_file(archive, tmp_path / "out.parquet")


def test_a_safe_zip_is_read(tmp_path: Path) -> None:
    archive = zip_with(tmp_path / "communes.zip", {"dossier/communes.csv": CSV})
    result = read_file(archive, tmp_path / "out.parquet")
    assert result.row_count == 2 and result.details["compression"] == "zip"


def test_absolute_limit_on_the_unpacked_bytes(tmp_path: Path) -> None:
    limits = UnpackLimits(max_bytes=len(CSV) - 1)
    gz = tmp_path / "communes.csv.gz"
    gz.write_bytes(gzip.compress(CSV))
    with pytest.raises(LimitExceededError, match="SOCLE_DECOMPRESSED_MAX_BYTES"):
        read_file(gz, tmp_path / "out.parquet", ReadOptions(unpack_limits=limits))
    archive = zip_with(tmp_path / "communes.zip", {"communes.csv": CSV})
    with pytest.raises(LimitExceededError, match="SOCLE_DECOMPRESSED_MAX_BYTES"):
        read_file(archive, tmp_path / "out.parquet", ReadOptions(unpack_limits=limits))
    assert read_file(gz, tmp_path / "out.parquet").row_count == 2  # the default is larger


def test_a_zip_lying_about_its_size_gets_no_more_bytes_through(tmp_path: Path) -> None:
    """The declared size passes the early check; reading stops at it and the CRC fails."""
    archive = zip_with(tmp_path / "communes.zip", {"communes.csv": CSV * 100})
    # Rewrite the declared uncompressed size (central directory) to a small lie.
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        declared = z.infolist()[0].file_size
    lie = (10).to_bytes(4, "little")
    raw = raw.replace(declared.to_bytes(4, "little"), lie)
    archive.write_bytes(bytes(raw))
    limits = UnpackLimits(max_bytes=len(CSV) * 10)
    with (
        pytest.raises(UnreadableFileError, match="archive zip illisible"),
        unpacked(archive, tmp_path, limits),
    ):
        pass


@pytest.mark.slow
def test_a_decompression_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        out.write(b"a;b\n")
        zeros = b"0;0\n" * (1 << 20)
        for _ in range((RATIO_FLOOR >> 22) + 2):  # a bit more than RATIO_FLOOR
            out.write(zeros)
    assert bomb.stat().st_size * 200 < RATIO_FLOOR  # it packs more than 200:1
    with (
        pytest.raises(LimitExceededError, match="bombe de décompression"),
        unpacked(bomb, tmp_path),
    ):
        pass
    assert not any(p.name.startswith(".unpacked") for p in tmp_path.iterdir())


def test_an_archive_inside_an_archive_is_refused(tmp_path: Path) -> None:
    archive = zip_with(tmp_path / "double.zip", {"communes.csv.gz": gzip.compress(CSV)})
    with pytest.raises(UnreadableFileError, match="archive dans une archive"):
        read_file(archive, tmp_path / "out.parquet")
    gz = tmp_path / "double.zip.gz"
    gz.write_bytes(gzip.compress(archive.read_bytes()))
    with pytest.raises(UnreadableFileError, match="archive dans une archive"):
        read_file(gz, tmp_path / "out.parquet")


def test_the_cli_ingest_says_why_it_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOCLE_DECOMPRESSED_MAX_BYTES", "20")
    gz = tmp_path / "communes.csv.gz"
    gz.write_bytes(gzip.compress(CSV))
    result = CliRunner().invoke(app, ["ingest", str(gz), "--dataset", "communes"])
    assert result.exit_code != 0
    assert "SOCLE_DECOMPRESSED_MAX_BYTES" in result.output
    assert "Traceback" not in result.output
    traversal = zip_with(tmp_path / "evil.zip", {"../evil.csv": CSV})
    result = CliRunner().invoke(app, ["ingest", str(traversal), "--dataset", "communes"])
    assert result.exit_code != 0 and "chemin interdit" in result.output
    monkeypatch.setenv("SOCLE_INGEST_MAX_BYTES", "10")
    plain = tmp_path / "communes.csv"
    plain.write_bytes(CSV)
    result = CliRunner().invoke(app, ["ingest", str(plain), "--dataset", "communes"])
    assert result.exit_code != 0 and "SOCLE_INGEST_MAX_BYTES" in result.output
