"""``french-insee-code-value`` (Socle): an INSEE commune code, as the COG writes it.

Five characters: a département (``01``-``95`` with Corsica's ``2A``/``2B``, never ``20``)
and three digits, or an overseas code (``971``-``978``, ``984``-``989``) and two digits.
A code that lost its leading zero (``1004``) is refused with a hint.
"""

from __future__ import annotations

from socle.quality.checks import ValueCheck
from socle.sql import literal

INSEE = r"(?:0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5])[0-9]{3}|97[1-8][0-9]{2}|98[4-9][0-9]{2}"


CHECK = ValueCheck(
    name="french-insee-code-value",
    invalid=lambda cell, params: f"NOT regexp_full_match({cell}, {literal(INSEE)})",
    message=lambda cell: (
        f"CASE WHEN regexp_full_match({cell}, '[0-9]{{4}}') THEN 'Le code INSEE `' || "
        f"{cell} || '` a perdu son zéro initial : écrivez 0' || {cell} ELSE "
        f"'La valeur `' || {cell} || '` n''est pas un code INSEE de commune' END"
    ),
)
