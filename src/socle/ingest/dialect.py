"""How a delimited text file is laid out: delimiter, header names, and where record N starts.

Python's csv module reads only the sample (and, after an error, the file up to the faulty
record); DuckDB parses the data itself.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from socle.errors import UnreadableFileError

DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "tabulation": "\t", "pipe": "|"}
SNIFF_LINES = 50
LINE_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
MAX_FIELD_BYTES = 8 << 20

# Fields of real files exceed the csv module's 128 KiB default; raising the limit is harmless.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_BYTES))


def check_delimiter(delimiter: str, file_name: str) -> str:
    """A user-given delimiter: one character (``tab`` and ``\\t`` are accepted)."""
    delimiter = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
    if len(delimiter) != 1 or delimiter in '\r\n"':
        raise UnreadableFileError(
            f"séparateur invalide « {delimiter} » : un seul caractère attendu (; , | ou tab)",
            file=file_name,
        )
    return delimiter


def detect_delimiter(sample: str) -> str:
    """The candidate found the same non-zero number of times on the most lines.

    Counting is done with a real CSV parser per candidate, so delimiters inside quoted
    values do not count. Ties go to the order of DELIMITERS (``;`` first, as in France).
    """
    lines = sample.splitlines()[:SNIFF_LINES]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line
    text = "\n".join(lines)
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(row) for row in rows if row]
        if not widths or max(widths) < 2:
            continue
        width, agreeing = Counter(widths).most_common(1)[0]
        score = agreeing / len(widths) + (0.001 if width > 1 else 0)
        if score > best_score + 1e-9:
            best, best_score = delimiter, score
    return best


def header_row(
    sample: str, delimiter: str, complete: bool, file_name: str
) -> tuple[list[str], int]:
    """The first non-blank record of ``sample`` as written, and the blank lines before it."""
    if not complete and "\n" not in sample and "\r" not in sample:
        raise UnreadableFileError(
            "ligne trop longue (pas de fin de ligne dans le premier mégaoctet) : "
            "ce n'est pas un CSV, ou le fichier est corrompu",
            file=file_name,
            line=1,
        )
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    skipped = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                return row, skipped
            skipped = reader.line_num
    except csv.Error as exc:
        raise UnreadableFileError(f"en-tête illisible ({exc})", file=file_name, line=1) from exc
    raise UnreadableFileError("fichier vide", file=file_name)


def unique_names(row: list[str]) -> tuple[list[str], list[str]]:
    """Header cells made unique and non-empty, with a warning for each change.

    Names are kept as written (accents, inner spaces) but trimmed, and line breaks or tabs
    inside a name become a space. Uniqueness ignores case: SQL identifiers do, so ``Nom``
    and ``nom`` could not both be queried.
    """
    names: list[str] = []
    warnings: list[str] = []
    taken: set[str] = set()
    for index, raw in enumerate(row, start=1):
        cleaned = LINE_BREAKS.sub(" ", raw.strip().lstrip("\ufeff").strip())
        name = cleaned or f"colonne_{index}"
        if not cleaned:
            warnings.append(f"En-tête vide en colonne {index}, renommée « {name} »")
        if name.casefold() in taken:
            suffix = 2
            while f"{name}_{suffix}".casefold() in taken:
                suffix += 1
            warnings.append(f"Colonne « {name} » en double, renommée « {name}_{suffix} »")
            name = f"{name}_{suffix}"
        taken.add(name.casefold())
        names.append(name)
    return names, warnings


def record_start_line(path: Path, delimiter: str, record: int) -> int:
    """The physical line where record ``record`` (1-based, header included) starts.

    DuckDB numbers records; a record holding quoted line breaks spans several lines, and
    users look for the line in their editor. Only called after an error, reading the file
    up to that record.
    """
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            for _ in range(record - 1):
                next(reader)
        except (StopIteration, csv.Error):
            return record
        return reader.line_num + 1
