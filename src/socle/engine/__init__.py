"""The query engine: one query language over versions, compiled to DuckDB, and exports.

Public surface: :class:`RecordQuery`, :func:`run_records`, :func:`export` and :class:`Export`.
"""

from socle.engine.exports import Export, export
from socle.engine.records import RecordQuery, run_records

__all__ = ["Export", "RecordQuery", "export", "run_records"]
