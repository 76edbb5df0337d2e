"""How a delimited text file is laid out: delimiter and header names."""

from __future__ import annotations

import csv
import io
from collections import Counter

DELIMITERS = (";", ",", "\t", "|")
SNIFF_LINES = 50


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
        widths = [len(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
        if not widths or max(widths) < 2:
            continue
        width, agreeing = Counter(widths).most_common(1)[0]
        score = agreeing / len(widths) + (0.001 if width > 1 else 0)
        if score > best_score + 1e-9:
            best, best_score = delimiter, score
    return best


def header_names(first_line: str, delimiter: str) -> tuple[list[str], list[str]]:
    """Column names as written (accents kept), made unique and non-empty; plus warnings."""
    row = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    return unique_names(row)


def unique_names(row: list[str]) -> tuple[list[str], list[str]]:
    """Header cells made unique and non-empty, with a warning for each change."""
    names: list[str] = []
    warnings: list[str] = []
    seen: Counter[str] = Counter()
    for index, raw in enumerate(row, start=1):
        name = raw.strip().lstrip("\ufeff").strip() or f"colonne_{index}"
        if not raw.strip():
            warnings.append(f"En-tête vide en colonne {index}, renommée « {name} »")
        seen[name] += 1
        if seen[name] > 1:
            renamed = f"{name}_{seen[name]}"
            warnings.append(f"Colonne « {name} » en double, renommée « {renamed} »")
            name = renamed
        names.append(name)
    return names, warnings
