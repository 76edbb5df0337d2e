"""``french-siret-value``: a SIRET has 14 digits and a valid Luhn key (spaces and dots allowed).

La Poste's establishments (SIREN 356 000 000) break the Luhn rule: theirs is that the sum of
the 14 digits is a multiple of 5, as python-stdnum (used by Validata) applies it.
"""

from __future__ import annotations

from socle.quality.checks import ValueCheck, digits_only, luhn_valid


def siret_valid(text: str) -> str:
    digit_sum = " + ".join(f"CAST(substr({text}, {i}, 1) AS INTEGER)" for i in range(1, 15))
    la_poste = (
        f"CASE WHEN regexp_full_match({text}, '^356000000[0-9]{{5}}$') "
        f"THEN ({digit_sum}) % 5 = 0 ELSE FALSE END"
    )
    return f"({la_poste} OR ({luhn_valid(text, 14)} AND {luhn_valid(f'substr({text}, 1, 9)', 9)}))"


CHECK = ValueCheck(
    name="french-siret-value",
    invalid=lambda cell, params: f"NOT {siret_valid(digits_only(cell))}",
    message=lambda cell: (
        f"'La valeur `' || {cell} || '` n''est pas un numéro SIRET valide "
        "(14 chiffres dont une clé de contrôle)'"
    ),
)
