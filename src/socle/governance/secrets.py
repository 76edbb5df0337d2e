"""Secrets at rest (TOTP secrets, connector credentials, pseudonymisation keys), encrypted.

A database dump or backup must not hand out what the secrets protect. Each secret is sealed
with AES-256-GCM under the key of ``SOCLE_SECRET_KEY`` (environment only, never the database
or the configuration file), bound to its purpose (the column it lives in: a sealed value
copied to another column does not open). Stored form: ``v1:`` + URL-safe base64 of the
nonce, the ciphertext and the tag.

``SOCLE_SECRET_KEY`` may list several keys separated by commas: the first seals, all open,
so a key is rotated by putting the new one first and running ``socle secrets seal``.
Values written before encryption (no ``v1:`` prefix) still open as they are and are sealed
the next time they are used, or at once by ``socle secrets seal``.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from socle.config import Settings
from socle.errors import SocleError

PREFIX = "v1:"
NONCE_BYTES = 12
KEY_BYTES = 32


class SecretKeyError(SocleError):
    """SOCLE_SECRET_KEY is missing or wrong: stored secrets can be neither sealed nor opened."""

    status = 503
    type_slug = "secret-key"
    title = "Clé de chiffrement manquante"


def generate_key() -> str:
    """A new key in the form SOCLE_SECRET_KEY expects."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


class SecretBox:
    """Seals and opens secrets with the keys of SOCLE_SECRET_KEY (the first one seals)."""

    def __init__(self, keys: str | None) -> None:
        if not keys or not keys.strip():
            raise SecretKeyError(
                "SOCLE_SECRET_KEY n'est pas définie : Socle ne peut ni chiffrer ni lire les "
                "secrets qu'il garde (double authentification, identifiants de connecteurs). "
                "Générez une clé avec « socle secrets generate-key » et donnez-la dans "
                "l'environnement du serveur."
            )
        self._ciphers = [AESGCM(_decode_key(key.strip())) for key in keys.split(",") if key]

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        key = settings.secret_key
        return cls(key.get_secret_value() if key is not None else None)

    def seal(self, plaintext: str, purpose: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[0].encrypt(nonce, plaintext.encode("utf-8"), purpose.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, purpose: str) -> str:
        """The plaintext of a sealed value; a value stored before encryption, as it is."""
        if not is_sealed(stored):
            return stored
        try:
            raw = base64.urlsafe_b64decode(stored.removeprefix(PREFIX))
        except (binascii.Error, ValueError) as exc:
            raise SecretKeyError("Secret chiffré illisible (valeur altérée)") from exc
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        for cipher in self._ciphers:
            try:
                return cipher.decrypt(nonce, sealed, purpose.encode()).decode("utf-8")
            except InvalidTag:
                continue
        raise SecretKeyError(
            "Un secret enregistré ne s'ouvre avec aucune clé de SOCLE_SECRET_KEY : la clé a "
            "changé (remettez l'ancienne après la nouvelle, séparées par une virgule)."
        )


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def reveal(settings: Settings, stored: str, purpose: str) -> str:
    """The plaintext of a stored secret; one stored before encryption needs no key."""
    return SecretBox.from_settings(settings).open(stored, purpose) if is_sealed(stored) else stored


def resealed(settings: Settings, stored: str, purpose: str) -> str | None:
    """The sealed form of a secret stored before encryption, when a key is configured."""
    if is_sealed(stored) or settings.secret_key is None:
        return None
    return SecretBox.from_settings(settings).seal(stored, purpose)


def _decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SecretKeyError(
            "SOCLE_SECRET_KEY invalide : 32 octets en base64 URL attendus "
            "(« socle secrets generate-key » en génère une)"
        )
    return key
