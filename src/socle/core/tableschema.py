"""Table Schema (frictionless spec) as Socle stores it, and its mapping to DuckDB types.

A version's schema is kept as plain Table Schema JSON (a dict), so that it can be exported
as is; this module only names the types and how each is stored in Parquet.
"""

from __future__ import annotations

from typing import Any

# Table Schema type -> DuckDB column type used in the version's Parquet files.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "BIGINT",
    # Geometries are stored as GeoJSON geometry text in WGS84 (no spatial extension needed).
    "geojson": "VARCHAR",
    # Nested values kept as JSON text.
    "object": "VARCHAR",
    "array": "VARCHAR",
    "any": "VARCHAR",
}

TEXT_TYPES = frozenset({"string"})
NUMERIC_TYPES = frozenset({"integer", "number", "year"})
TEMPORAL_TYPES = frozenset({"date", "datetime", "time"})


def field_types(schema: dict[str, Any]) -> dict[str, str]:
    """Map each field name to its Table Schema type, in schema order."""
    return {f["name"]: f.get("type", "string") for f in schema.get("fields", [])}


def geometry_field(schema: dict[str, Any]) -> str | None:
    """The name of the first ``geojson`` field, if the dataset is geographic."""
    for name, type_ in field_types(schema).items():
        if type_ == "geojson":
            return name
    return None
