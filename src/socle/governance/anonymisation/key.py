"""The pseudonymisation key: kept outside the data, never written anywhere by Socle.

It comes from the environment (``SOCLE_PSEUDONYMISATION_KEY``) or from a file whose path the
settings name (``SOCLE_PSEUDONYMISATION_KEY_FILE``), never from a recipe. DuckDB computes
HMAC-SHA256 from the key's two padded forms (RFC 2104), bound as parameters of the query:
the key itself never enters SQL text, the lake, the metadata or the logs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from socle.config import Settings
from socle.errors import InputError

MIN_KEY_BYTES = 16
BLOCK = 64  # SHA-256's block size


@dataclass(frozen=True, repr=False)
class HmacPads:
    """The key XOR-ed with HMAC's inner and outer pads (what the SQL binds)."""

    inner: bytes
    outer: bytes

    def __repr__(self) -> str:  # never show key material, even in a traceback
        return "HmacPads(***)"


def load_key(settings: Settings) -> HmacPads:
    """The instance's key as HMAC pads, or InputError saying how to provide one."""
    secret = settings.pseudonymisation_key
    path = settings.pseudonymisation_key_file
    if secret is not None and path is not None:
        raise InputError(
            "Clé de pseudonymisation définie deux fois : SOCLE_PSEUDONYMISATION_KEY et "
            "SOCLE_PSEUDONYMISATION_KEY_FILE ; gardez-en une seule"
        )
    if secret is not None:
        key = secret.get_secret_value().encode("utf-8")
    elif path is not None:
        key = _read_key_file(path, settings.effective_lake_path)
    else:
        raise InputError(
            "Aucune clé de pseudonymisation : définissez SOCLE_PSEUDONYMISATION_KEY (variable "
            "d'environnement) ou SOCLE_PSEUDONYMISATION_KEY_FILE (chemin d'un fichier hors du lac)"
        )
    if len(key) < MIN_KEY_BYTES:
        raise InputError(
            f"Clé de pseudonymisation trop courte : {MIN_KEY_BYTES} octets au moins "
            "(par exemple : openssl rand -hex 32)"
        )
    return pads(key)


def pads(key: bytes) -> HmacPads:
    block = (hashlib.sha256(key).digest() if len(key) > BLOCK else key).ljust(BLOCK, b"\0")
    return HmacPads(bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block))


def _read_key_file(path: Path, lake: Path) -> bytes:
    resolved = path.resolve()
    if resolved.is_relative_to(lake):
        raise InputError("Le fichier de clé de pseudonymisation doit être hors du lac de données")
    try:
        return resolved.read_bytes().strip()
    except OSError as exc:
        raise InputError(
            f"Fichier de clé de pseudonymisation illisible : {path} ({exc.strerror})"
        ) from None
