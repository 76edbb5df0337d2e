"""Reuse images: checked, re-encoded and stored in the instance, so pages never load one from
another site and no uploaded byte is served as is.

Pillow decodes the file (PNG, JPEG or WebP only: an SVG or HTML page renamed ``.png`` does not
decode), the picture is turned upright, shrunk to at most ``MAX_WIDTH`` pixels wide and
written anew as WebP, which drops every metadata (EXIF, GPS position, comments).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import uuid
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from socle.core.participation.fields import ContributionError
from socle.instance import Instance

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decoded size bound: a small file may unpack into a huge bitmap
MAX_WIDTH = 800
MAX_HEIGHT = 1600
ACCEPTED = ("PNG", "JPEG", "WEBP")
STORED = re.compile(r"^[0-9a-f]{32}\.webp$")
MEDIA_TYPE = "image/webp"


def media_folder(instance: Instance) -> Path:
    return instance.settings.home.resolve() / "media" / "reuses"


def prepare_image(content: bytes, field: str = "image") -> bytes:
    """The picture re-encoded as WebP, or ContributionError on ``field`` saying what is wrong."""
    if not content:
        raise ContributionError({field: "Image : choisissez un fichier PNG, JPEG ou WebP"})
    if len(content) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise ContributionError({field: f"Image : {limit} Mo au plus, ce fichier est trop lourd"})
    picture = _decode(content, field)
    picture = ImageOps.exif_transpose(picture)
    picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
    picture.thumbnail((MAX_WIDTH, MAX_HEIGHT))
    out = io.BytesIO()
    picture.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


def save_image(instance: Instance, data: bytes) -> str:
    """Store a prepared image in the instance; its new file name."""
    name = f"{uuid.uuid4().hex}.webp"
    folder = media_folder(instance)
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed: a page never serves half an image.
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    Path(tmp).replace(folder / name)
    return name


def image_path(instance: Instance, name: str) -> Path | None:
    """Where a stored image is, if ``name`` is one of ours and still there."""
    if not STORED.fullmatch(name):
        return None
    path = media_folder(instance) / name
    return path if path.is_file() else None


def delete_image(instance: Instance, name: str) -> None:
    path = image_path(instance, name)
    if path is not None:
        path.unlink(missing_ok=True)


def _decode(content: bytes, field: str) -> Image.Image:
    wrong = {field: "Image : le fichier n'est pas une image PNG, JPEG ou WebP lisible"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(content), formats=ACCEPTED)
            if picture.width * picture.height > MAX_PIXELS:
                raise ContributionError(
                    {field: f"Image : {picture.width}×{picture.height} pixels, c'est trop grand"}
                )
            picture.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
        SyntaxError,
    ) as exc:
        raise ContributionError(wrong) from exc
    return picture
