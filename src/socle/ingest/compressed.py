"""Compressed inputs (``.gz``, ``.zip`` holding one file): unpacked beside the output first.

Portals often publish ``.csv.gz`` or a ``.zip`` with one file; the raw version keeps the
archive as received, the readers see the file inside.

An archive is hostile until unpacked: it may expand to far more than its size (a
decompression bomb: refused beyond an absolute size and, past 64 MiB, beyond a ratio of
unpacked to packed size), name entries outside the folder (``../``, absolute paths: refused,
whatever entry they are), or hold another archive (refused: limits would multiply).
"""

from __future__ import annotations

import gzip
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Protocol

from socle.errors import UnreadableFileError
from socle.ingest.limits import DEFAULT_UNPACK_LIMITS, UnpackLimits, check_unpacked_size

COMPRESSED = (".gz", ".zip")
CHUNK = 8 << 20


def is_compressed(path: Path) -> bool:
    return path.suffix.lower() in COMPRESSED


@contextmanager
def unpacked(
    path: Path, work_dir: Path, limits: UnpackLimits = DEFAULT_UNPACK_LIMITS
) -> Iterator[tuple[Path, str]]:
    """The file inside ``path`` (written in ``work_dir``) and the compression's name."""
    folder = work_dir / f".unpacked-{path.name}"
    folder.mkdir(exist_ok=True)
    try:
        if path.suffix.lower() == ".gz":
            inner = folder / path.stem
            _refuse_nested(inner, path)
            try:
                with gzip.open(path, "rb") as src, inner.open("wb") as dst:
                    _copy(src, dst, path.stat().st_size, limits, path)
            except (OSError, EOFError, zlib.error) as exc:
                raise UnreadableFileError(
                    f"archive gzip illisible ({exc})", file=path.name
                ) from exc
            yield inner, "gzip"
        else:
            yield _unzip(path, folder, limits), "zip"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unzip(path: Path, folder: Path, limits: UnpackLimits) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            for entry in entries:
                if not _safe_name(entry.filename):
                    raise UnreadableFileError(
                        f"l'archive contient un chemin interdit « {entry.filename} » "
                        "(chemin absolu ou remontant avec ../) : refusée",
                        file=path.name,
                    )
            members = [m for m in entries if not m.is_dir()]
            if len(members) != 1:
                raise UnreadableFileError(
                    f"l'archive doit contenir un seul fichier ({len(members)} trouvés)",
                    file=path.name,
                )
            member = members[0]
            inner = folder / PurePosixPath(member.filename).name
            _refuse_nested(inner, path)
            packed = max(member.compress_size, 1)
            # The sizes an entry declares may lie: checked here to fail fast, then on the bytes.
            check_unpacked_size(member.file_size, packed, limits, path)
            with archive.open(member) as src, inner.open("wb") as dst:
                _copy(src, dst, packed, limits, path)
            return inner
    except (zipfile.BadZipFile, OSError, zlib.error) as exc:
        raise UnreadableFileError(f"archive zip illisible ({exc})", file=path.name) from exc


def _safe_name(name: str) -> bool:
    """Relative, without ``..`` and without a drive, in POSIX and Windows spellings."""
    for pure in (PurePosixPath(name), PureWindowsPath(name)):
        if pure.is_absolute() or pure.anchor or ".." in pure.parts:
            return False
    return True


def _refuse_nested(inner: Path, path: Path) -> None:
    if is_compressed(inner):
        raise UnreadableFileError(
            "une archive dans une archive n'est pas acceptée : décompressez-la d'abord",
            file=path.name,
        )


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def _copy(src: _Readable, dst: IO[bytes], packed: int, limits: UnpackLimits, path: Path) -> None:
    written = 0
    while chunk := src.read(CHUNK):
        written += len(chunk)
        check_unpacked_size(written, packed, limits, path)
        dst.write(chunk)
