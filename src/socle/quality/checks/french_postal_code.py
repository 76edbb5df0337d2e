"""``french-postal-code-value`` (Socle): a French postal code, five digits (``01000``-``98890``)."""

from __future__ import annotations

from socle.quality.checks import ValueCheck

POSTAL = r"'(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}'"

CHECK = ValueCheck(
    name="french-postal-code-value",
    invalid=lambda cell, params: f"NOT regexp_full_match({cell}, {POSTAL})",
    message=lambda cell: (
        f"'La valeur `' || {cell} || '` n''est pas un code postal français (5 chiffres)'"
    ),
)
