"""Passwords: the policy a new one must meet, and argon2id hashes (never the password itself)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from socle.errors import InputError

MIN_LENGTH = 12
# Long enough for any passphrase; bounds the hashing work a hostile form can ask for.
MAX_LENGTH = 256
# Passwords of 12+ characters that leaked lists show again and again (compared lower-cased).
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789123",
        "azertyuiopqs",
        "azertyuiop123",
        "azertyuiop1234",
        "qwertyuiop123",
        "qwertyuiopas",
        "motdepasse123",
        "motdepasse1234",
        "motdepasse2024",
        "motdepasse2025",
        "password1234",
        "password12345",
        "passwordpassword",
        "administrateur",
        "administrator",
        "bonjour123456",
        "soleil123456",
        "changeme1234",
        "iloveyou1234",
        "qwerty123456",
        "azerty123456",
        "000000000000",
        "111111111111",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        "abcdef123456",
        "marseille2024",
        "jetaime123456",
        "welcome12345",
        "letmein12345",
    }
)

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106) parameters
# Verified against when the account does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash("socle-absent-account")


def check_policy(password: str, email: str) -> None:
    """Refuse a weak password with a message saying what to change."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"Mot de passe trop court : {MIN_LENGTH} caractères au moins")
    if len(password) > MAX_LENGTH:
        raise InputError(f"Mot de passe trop long : {MAX_LENGTH} caractères au plus")
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        raise InputError("Mot de passe trop courant : choisissez-en un moins prévisible")
    local_part = email.partition("@")[0].lower()
    if len(local_part) >= 3 and local_part in lowered:
        raise InputError("Le mot de passe ne doit pas contenir votre adresse électronique")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash to check (no account, no password)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
