"""``fix-mojibake``: repair UTF-8 text that was read as Windows-1252 (``Ã©`` → ``é``).

Done in SQL, on the cells that match a mojibake sequence only. Each sequence (a UTF-8 lead
byte read as ``Â Ã Ä Å â ï ð`` followed by the right number of continuation bytes read as
cp1252) is turned back into its bytes and decoded as UTF-8; a sequence that does not decode
is kept as it is. Leads are limited to those of the characters French text uses (Latin-1,
Latin Extended-A, punctuation like ``’ – …``, ``€``, the BOM, emoji), so that a real
``É`` followed by a non-breaking space is never mistaken for mojibake. ``Ã`` followed by a
plain space (or two) is ``à`` whose non-breaking space became a space; a repaired byte
order mark is dropped. Text that went through the wrong decoding twice (``ÃƒÂ©``) needs
the step twice.
"""

from __future__ import annotations

from socle.core.tableschema import TEXT_TYPES
from socle.quality.cleaning._model import Output, Param, Params, Step, Table, Transform
from socle.quality.cleaning._params import COLUMNS
from socle.sql import identifier, literal

# cp1252's characters for bytes 0x80-0x9F (the five undefined bytes are read as U+0080-U+009F
# by latin-1 decoders, and map back through their code point like the rest of latin-1).
CP1252_HIGH = {
    bytes([b]).decode("cp1252"): b
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_SPECIALS = "".join(CP1252_HIGH)
_CONTINUATION = r"[\x{80}-\x{BF}" + "".join(f"\\x{{{ord(c):X}}}" for c in _SPECIALS) + "]"
SEQUENCE = rf"[ÂÃÄÅ]{_CONTINUATION}|[âï]{_CONTINUATION}{{2}}|ð{_CONTINUATION}{{3}}"
SPACED_A_GRAVE = "Ã  ?"
BOM = "chr(65279)"  # U+FEFF, the byte order mark
PIECES = f"{SEQUENCE}|{SPACED_A_GRAVE}|[^ÂÃÄÅâïð]+|(?s:.)"


def _byte_hex(char: str) -> str:
    """SQL: the cp1252 byte of one character of a sequence, as two hex digits."""
    specials = ", ".join(str(b) for b in CP1252_HIGH.values())
    return (
        f"printf('%02X', CASE WHEN unicode({char}) < 256 THEN unicode({char}) "
        f"ELSE [{specials}][instr({literal(_SPECIALS)}, {char})] END)"
    )


def _piece(piece: str) -> str:
    """SQL: one piece of a cell, repaired when it is a mojibake sequence."""
    hexes = f"[{_byte_hex('c')} for c in string_split({piece}, '')]"
    decoded = f"try(decode(unhex(array_to_string({hexes}, ''))))"
    return (
        f"CASE WHEN regexp_full_match({piece}, {literal(SPACED_A_GRAVE)}) THEN 'à ' "
        f"WHEN regexp_full_match({piece}, {literal(SEQUENCE)}) THEN coalesce({decoded}, {piece}) "
        f"ELSE {piece} END"
    )


def repaired(cell: str) -> str:
    """SQL: ``cell`` with its mojibake repaired; cells without any are not split at all."""
    pieces = f"regexp_extract_all({cell}, {literal(PIECES)})"
    return (
        f"CASE WHEN regexp_matches({cell}, {literal(f'{SEQUENCE}|{SPACED_A_GRAVE}')}) "
        f"THEN replace(array_to_string([{_piece('p')} for p in {pieces}], ''), {BOM}, '') "
        f"ELSE {cell} END"
    )


def build(params: Params, table: Table) -> Transform:
    names = table.columns(params, accepted=TEXT_TYPES, default=TEXT_TYPES)
    return table.converted(
        names, lambda name: Output(table.field(name), repaired(identifier(name)), origin=name)
    )


STEP = Step(
    name="fix-mojibake",
    description_fr=(
        "Répare le texte UTF-8 lu comme du Windows-1252 (« Ã© » → « é », « â€™ » → « ’ ») ; "
        "à placer avant « trim », qui transformerait les espaces insécables qu'il répare."
    ),
    params={"columns": Param(COLUMNS, "colonnes de texte ; par défaut toutes")},
    build=build,
)
