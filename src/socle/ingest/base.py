"""The reader contract: every input format plugs into ingest through this one door.

A reader turns one input file into one Parquet file plus its Table Schema. Readers are
registered as entry points (group ``socle.readers``), built-ins included, so a third-party
format plugs in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from socle.ingest.limits import DEFAULT_UNPACK_LIMITS, UnpackLimits

# Called with the number of input bytes consumed so far, for progress bars.
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ReadOptions:
    """What the user may force instead of letting the reader sniff it."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # For JSON: flatten nested objects into ``parent.child`` columns (default) or keep as JSON.
    flatten: bool = True
    # DuckDB's memory limit while reading; beyond it, work spills to disk beside the output.
    memory_limit: str = "1GB"
    # How far a .gz or .zip input may expand (decompression bombs are refused).
    unpack_limits: UnpackLimits = DEFAULT_UNPACK_LIMITS


@dataclass
class ReadResult:
    """What a reader produced: the Parquet file is at the destination given to ``read``."""

    schema: dict[str, Any]  # Table Schema JSON: {"fields": [{"name", "type", ...}], ...}
    row_count: int
    format: str  # "csv", "xlsx", "ods", "json", "ndjson", "geojson", "parquet"
    warnings: list[str] = field(default_factory=list)
    # How the file was read (encoding, delimiter, sheet, source CRS...), kept with the version.
    details: dict[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    """One input format."""

    name: ClassVar[str]

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when this reader recognises the file (by extension and/or first bytes)."""
        ...

    def read(
        self,
        path: Path,
        dest: Path,
        options: ReadOptions,
        progress: ProgressCallback | None = None,
    ) -> ReadResult:
        """Write ``dest`` (Parquet) from ``path``; raise UnreadableFileError on bad input."""
        ...
