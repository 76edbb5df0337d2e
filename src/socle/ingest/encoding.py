"""Which encoding a text file is in, and turning it into UTF-8 without loading it whole.

Rule: a file whose first megabyte is valid UTF-8 (BOM or not) is read as UTF-8; otherwise it is
Windows-1252 (the encoding French office software writes, a superset of Latin-1 for every
printable character), and Latin-1 only if bytes undefined in cp1252 appear. A UTF-8 BOM in
front of cp1252 bytes, seen in real files, is cp1252. A file sniffed as UTF-8 in which an
invalid sequence shows up further on is refused with the line number: guessing would turn
accents into mojibake silently; ``--encoding`` lets the user decide.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from socle.errors import UnreadableFileError
from socle.ingest.base import ProgressCallback

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20
BOM = codecs.BOM_UTF8


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def looks_binary(head: bytes) -> bool:
    """NUL bytes never occur in a text file in the encodings we accept."""
    return b"\x00" in head[:65536]


def detect_encoding(head: bytes, complete: bool) -> str:
    """``utf-8``, ``utf-8-sig``, ``cp1252`` or ``latin-1`` from the first bytes of a file.

    ``complete`` says whether ``head`` is the whole file; if not, a multibyte character cut
    at the end of the sample is not an error.
    """
    body = head[len(BOM) :] if head.startswith(BOM) else head
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(body, final=complete)
        return "utf-8-sig" if head.startswith(BOM) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        body.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def transcode_to_utf8(
    source: Path, target: Path, encoding: str, progress: ProgressCallback | None = None
) -> None:
    """Stream ``source`` into a UTF-8 ``target``, dropping any BOM; bounded memory."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    done = 0
    line = 1
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        first = True
        while chunk := src.read(CHUNK_BYTES):
            if first and chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
            first = False
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_line = line + chunk[: exc.start].count(b"\n")
                raise UnreadableFileError(
                    f"octets invalides pour l'encodage {encoding} ; précisez l'encodage "
                    "avec --encoding",
                    file=source.name,
                    line=bad_line,
                ) from exc
            line += chunk.count(b"\n")
            dst.write(text)
            done += len(chunk)
            if progress:
                progress(done)
        dst.write(decoder.decode(b"", final=True))
