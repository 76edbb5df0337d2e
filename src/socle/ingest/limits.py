"""How big an input may be: the file given or downloaded, and what an archive unpacks to.

A file is hostile until read: bounds keep one input from filling the disk or the memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from socle.config import Settings
from socle.errors import LimitExceededError

RATIO_FLOOR = 64 << 20  # below this, any ratio is harmless (a column of zeros packs 1000:1)


@dataclass(frozen=True)
class UnpackLimits:
    """How far an archive may expand: in bytes, and as unpacked/packed beyond RATIO_FLOOR."""

    max_bytes: int = 20 << 30
    max_ratio: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> UnpackLimits:
        return cls(settings.decompressed_max_bytes, settings.decompression_max_ratio)


DEFAULT_UNPACK_LIMITS = UnpackLimits()


def check_input_size(path: Path, settings: Settings) -> None:
    """Refuse an input file larger than ``SOCLE_INGEST_MAX_BYTES``."""
    size = path.stat().st_size
    if size > settings.ingest_max_bytes:
        raise LimitExceededError(
            f"{path.name} : fichier trop gros ({size >> 20} Mo, au plus "
            f"{settings.ingest_max_bytes >> 20} Mo : limite SOCLE_INGEST_MAX_BYTES)"
        )


def check_unpacked_size(size: int, packed: int, limits: UnpackLimits, path: Path) -> None:
    """Refuse ``size`` bytes unpacked from ``packed`` beyond the absolute or ratio bound."""
    if size > limits.max_bytes:
        raise LimitExceededError(
            f"{path.name} : l'archive se décompresse en plus de {limits.max_bytes >> 20} Mo "
            "(limite SOCLE_DECOMPRESSED_MAX_BYTES) : refusée"
        )
    if size > RATIO_FLOOR and size > limits.max_ratio * packed:
        raise LimitExceededError(
            f"{path.name} : l'archive se décompresse plus de {limits.max_ratio} fois sa taille "
            "(bombe de décompression probable, limite SOCLE_DECOMPRESSION_MAX_RATIO) : refusée"
        )
