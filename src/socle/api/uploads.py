"""Files sent in a multipart form, kept on disk within a size bound before any reading."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import UploadFile

from socle.errors import InputError, LimitExceededError

CHUNK = 1 << 20


async def save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Copy ``upload`` into ``folder`` under its own base name; refuse it past ``limit``
    bytes or empty."""
    name = Path((upload.filename or "").replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise InputError("Fichier sans nom : joignez un fichier (CSV, XLSX, JSON…)")
    target = folder / name
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise LimitExceededError(f"Fichier trop volumineux : {limit >> 20} Mo au plus")
            out.write(chunk)
    if size == 0:
        raise InputError(f"Le fichier « {name} » est vide")
    return target
