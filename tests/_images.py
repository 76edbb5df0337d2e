"""Small image files made with Pillow, for the reuse image tests."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), **options: object) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, (200, 30, 30)).save(out, fmt, **options)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF says where it was taken: re-encoding must drop it."""
    exif = Image.Exif()
    exif[0x010F] = "Appareil du proposant"  # Make
    exif[0x8825] = {1: "N", 2: (46.0, 12.0, 30.0)}  # GPS
    return image_bytes("JPEG", (1600, 1200), exif=exif)
