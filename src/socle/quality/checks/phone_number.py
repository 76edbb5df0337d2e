"""``phone-number-value``: a French telephone number, or an international one with its prefix.

National: ten digits starting with 0 then 1-9 (``01 23 45 67 89``), or ``+33``/``0033`` and
nine digits; short service numbers (``15``, ``112``, ``3631``). International: ``+`` and a
country code other than 33 followed by 6 to 14 digits. Spaces, dots, dashes and brackets
between digits are accepted, as libphonenumber (used by Validata) accepts them.
"""

from __future__ import annotations

from socle.quality.checks import ValueCheck, digits_only
from socle.sql import literal

SEPARATORS = r" .\-()/\x{A0}"
PHONE = (
    r"(?:0[1-9][0-9]{8}|(?:\+33|0033)[1-9][0-9]{8}|1[0-9]{1,2}|3[0-9]{3}"
    r"|\+(?:[12457-9]|3[0-24-9]|6[0-9])[0-9]{6,14})"
)


CHECK = ValueCheck(
    name="phone-number-value",
    invalid=lambda cell, params: (
        f"NOT regexp_full_match({digits_only(cell, SEPARATORS)}, {literal(PHONE)})"
    ),
    message=lambda cell: f"'La valeur `' || {cell} || '` n''est pas un numéro de téléphone valide'",
)
