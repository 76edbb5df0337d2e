"""``french-siren-value``: a SIREN has 9 digits and a valid Luhn key (spaces and dots allowed)."""

from __future__ import annotations

from socle.quality.checks import ValueCheck, digits_only, luhn_valid

CHECK = ValueCheck(
    name="french-siren-value",
    invalid=lambda cell, params: f"NOT {luhn_valid(digits_only(cell), 9)}",
    message=lambda cell: (
        f"'La valeur `' || {cell} || '` n''est pas un numéro SIREN valide "
        "(9 chiffres dont une clé de contrôle)'"
    ),
)
