"""Writing demo files the way the authority's software would: encodings, separators, commas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def rng(seed: int, variant: int) -> np.random.Generator:
    """Deterministic randomness per dataset, the same for both deliveries (variants), so
    the second differs from the first only where a generator means it to."""
    return np.random.default_rng(seed)


def fr_decimal(value: float, digits: int = 2) -> str:
    """``1234.5`` -> ``1234,50``: the decimal comma of French spreadsheets."""
    return f"{value:.{digits}f}".replace(".", ",")


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    line_end: str = "\r\n",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
