"""Streamed exports: CSV (formula-safe, French delimiter, BOM), JSON, GeoJSON, Parquet, XLSX."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from socle.engine import RecordQuery, export
from socle.errors import InputError

Version = tuple[list[Path], dict]  # type: ignore[type-arg]
ALL = RecordQuery(limit=None, order_by="jour")


def body(version: Version, fmt: str, query: RecordQuery = ALL, **options: object) -> bytes:
    return b"".join(export(*version, query, fmt, **options).chunks)


def test_csv_neutralises_formulas(version: Version) -> None:
    rows = list(csv.reader(io.StringIO(body(version, "csv").decode("utf-8"))))
    assert rows[0][0] == "commune"
    cells = [r[7] for r in rows[1:]]
    assert cells == ["'=HYPERLINK()", "a", "'+b", "'@c", "'-d"]
    assert rows[3][4] == "-3.0"  # numbers are not text: a negative stays a number


def test_csv_for_french_spreadsheets(version: Version) -> None:
    data = body(version, "csv", delimiter=";", bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[2].startswith("Péronnas;01289;voiture")
    with pytest.raises(InputError):
        body(version, "csv", delimiter="x")


def test_filters_apply_to_exports(version: Version) -> None:
    query = RecordQuery(where="mode = 'vélo'", select="commune, comptage", limit=None)
    assert json.loads(body(version, "json", query)) == [
        {"commune": "Bourg-en-Bresse", "comptage": 120},
        {"commune": "Viriat", "comptage": 45},
        {"commune": "Péronnas", "comptage": None},
    ]


def test_geojson(version: Version) -> None:
    document = json.loads(body(version, "geojson"))
    assert document["type"] == "FeatureCollection"
    assert len(document["features"]) == 5
    first = document["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [5.2, 46.2]}
    assert first["properties"]["commune"] == "Bourg-en-Bresse"
    assert "geometry" not in first["properties"]
    with pytest.raises(InputError, match="géométrie"):
        export(*version, RecordQuery(select="commune", limit=None), "geojson")


def test_parquet_and_xlsx(version: Version) -> None:
    table = pq.read_table(io.BytesIO(body(version, "parquet")))
    assert table.num_rows == 5
    assert table.column("code_insee").to_pylist()[0] == "01053"
    sheet = load_workbook(io.BytesIO(body(version, "xlsx"))).active
    values = list(sheet.values)  # type: ignore[union-attr]
    assert values[0][0] == "commune"
    assert values[1][:2] == ("Bourg-en-Bresse", "01053")


def test_unknown_format(version: Version) -> None:
    with pytest.raises(InputError, match="Format"):
        export(*version, ALL, "pdf")
