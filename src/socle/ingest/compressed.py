"""Compressed inputs (``.gz``, ``.zip`` holding one file): unpacked beside the output first.

Portals often publish ``.csv.gz`` or a ``.zip`` with one file; the raw version keeps the
archive as received, the readers see the file inside.
"""

from __future__ import annotations

import gzip
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from socle.errors import UnreadableFileError

COMPRESSED = (".gz", ".zip")


def is_compressed(path: Path) -> bool:
    return path.suffix.lower() in COMPRESSED


@contextmanager
def unpacked(path: Path, work_dir: Path) -> Iterator[tuple[Path, str]]:
    """The file inside ``path`` (written in ``work_dir``) and the compression's name."""
    folder = work_dir / f".unpacked-{path.name}"
    folder.mkdir(exist_ok=True)
    try:
        if path.suffix.lower() == ".gz":
            inner = folder / path.stem
            try:
                with gzip.open(path, "rb") as src, inner.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 8 << 20)
            except (OSError, EOFError, zlib.error) as exc:
                raise UnreadableFileError(
                    f"archive gzip illisible ({exc})", file=path.name
                ) from exc
            yield inner, "gzip"
        else:
            yield _unzip(path, folder), "zip"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unzip(path: Path, folder: Path) -> Path:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise UnreadableFileError(
                    f"l'archive doit contenir un seul fichier ({len(members)} trouvés)",
                    file=path.name,
                )
            inner = folder / Path(members[0].filename).name  # never a path outside folder
            with archive.open(members[0]) as src, inner.open("wb") as dst:
                shutil.copyfileobj(src, dst, 8 << 20)
            return inner
    except (zipfile.BadZipFile, OSError, zlib.error) as exc:
        raise UnreadableFileError(f"archive zip illisible ({exc})", file=path.name) from exc
