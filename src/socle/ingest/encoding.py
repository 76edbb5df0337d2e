"""Which encoding a text file is in, and turning it into UTF-8 without loading it whole.

Rules, applied to the first megabyte:

- valid UTF-8 (with or without BOM) is UTF-8; a UTF-16 BOM (Excel's "texte Unicode") is UTF-16;
- otherwise, if valid UTF-8 multibyte sequences are at least as many as the bytes that are
  not, the file is UTF-8 with damage (truncated mid-character, or a mix of encodings): it is
  refused with the line of the first bad byte, because reading it as Windows-1252 would turn
  every accent into mojibake without a word. ``--encoding`` lets the user decide;
- otherwise it is Windows-1252, the encoding French office software writes (a superset of
  Latin-1's printable characters, adding €, œ, ’...). The five bytes cp1252 leaves undefined
  are read as in Latin-1, as browsers do, so a Latin-1 file always goes through. A UTF-8 BOM
  in front of cp1252 bytes, seen in real files, is cp1252.

A file sniffed as UTF-8 in which an invalid sequence shows up beyond the first megabyte is
refused by the CSV parser with its line, for the same reason.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from socle.errors import UnreadableFileError
from socle.ingest.base import ProgressCallback

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20
BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF8 = ("utf-8", "utf-8-sig")
WIDE = ("utf-16", "utf-32")
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
HIGH_BYTES = bytes(range(0x80, 0x100))
LATIN1_FALLBACK = "socle-latin1"


def _as_latin1(exc: UnicodeError) -> tuple[str, int]:
    """Bytes undefined in cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as Latin-1 does."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(LATIN1_FALLBACK, _as_latin1)


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def without_bom(head: bytes) -> bytes:
    return head[len(BOM) :] if head.startswith(BOM) else head


def looks_binary(head: bytes) -> bool:
    """NUL bytes never occur in a text file in the 8-bit encodings we accept."""
    return b"\x00" in head[:65536]


def detect_encoding(head: bytes, complete: bool, file_name: str) -> str:
    """``utf-8``, ``utf-8-sig``, ``utf-16`` or ``cp1252`` from the first bytes of a file.

    ``complete`` says whether ``head`` is the whole file; if not, a multibyte character cut
    at the end of the sample is not an error.
    """
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    body = without_bom(head)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=complete)
    except UnicodeDecodeError as exc:
        _refuse_damaged_utf8(body, exc, file_name, complete)
        return "cp1252"
    return "utf-8-sig" if head.startswith(BOM) else "utf-8"


def _refuse_damaged_utf8(
    body: bytes, exc: UnicodeDecodeError, file_name: str, complete: bool
) -> None:
    if not complete:
        body = body[: len(body) - 3]  # a character cut by the sample is not evidence
    sequences = UTF8_MULTIBYTE.findall(body)
    high = len(body) - len(body.translate(None, HIGH_BYTES))
    stray = high - sum(len(s) for s in sequences)
    if sequences and len(sequences) >= stray:
        raise UnreadableFileError(
            "fichier en UTF-8 mais avec des octets invalides (fichier tronqué ou mélange "
            "d'encodages) ; précisez l'encodage avec --encoding pour le lire malgré tout",
            file=file_name,
            line=body[: exc.start].count(b"\n") + 1,
        )


def check_encoding(name: str, file_name: str) -> str:
    """The codec's canonical name, or a clear error for an unknown encoding."""
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise UnreadableFileError(f"encodage inconnu « {name} »", file=file_name) from exc


def rewrite_utf8(
    source: Path,
    target: Path,
    encoding: str,
    newlines: bool = False,
    progress: ProgressCallback | None = None,
) -> None:
    """Stream ``source`` into a UTF-8 ``target`` without BOM; bounded memory.

    With ``newlines``, every CRLF and lone CR becomes LF: the CSV parser refuses files that
    mix line endings between records.
    """
    errors = LATIN1_FALLBACK if encoding == "cp1252" else "strict"
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    done, line, pending_cr, first = 0, 1, False, True
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK_BYTES)
            if first and chunk.startswith(BOM) and not encoding.startswith(WIDE):
                chunk = chunk[len(BOM) :]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise UnreadableFileError(
                    f"octets invalides pour l'encodage {encoding} ; précisez l'encodage "
                    "avec --encoding",
                    file=source.name,
                    line=line + chunk[: exc.start].count(b"\n"),
                ) from exc
            if first:
                text, first = text.lstrip("\ufeff"), False
            if newlines:
                text = ("\r" if pending_cr else "") + text
                pending_cr = bool(chunk) and text.endswith("\r")
                text = (text[:-1] if pending_cr else text).replace("\r\n", "\n").replace("\r", "\n")
            dst.write(text)
            if not chunk:
                return
            line += chunk.count(b"\n")
            done += len(chunk)
            if progress:
                progress(done)
