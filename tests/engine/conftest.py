"""A small version file to query: accents, nulls, dates, numbers and a geometry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

SCHEMA = {
    "fields": [
        {"name": "commune", "type": "string"},
        {"name": "code_insee", "type": "string"},
        {"name": "mode", "type": "string"},
        {"name": "comptage", "type": "integer"},
        {"name": "taux", "type": "number"},
        {"name": "jour", "type": "date"},
        {"name": "actif", "type": "boolean"},
        {"name": "nom complet", "type": "string"},
        {"name": "geometry", "type": "geojson"},
    ]
}


@pytest.fixture
def version(tmp_path: Path) -> tuple[list[Path], dict]:  # type: ignore[type-arg]
    table = pa.table(
        {
            "commune": ["Bourg-en-Bresse", "Péronnas", "Viriat", "Péronnas", None],
            "code_insee": ["01053", "01289", "01451", "01289", "01024"],
            "mode": ["vélo", "voiture", "vélo", "vélo", "voiture"],
            "comptage": [120, 310, 45, None, 7],
            "taux": [0.5, 1.25, -3.0, 2.0, None],
            "jour": [dt.date(2024, 1, d) for d in (1, 2, 3, 4, 5)],
            "actif": [True, False, True, None, True],
            "nom complet": ["=HYPERLINK()", "a", "+b", "@c", "-d"],
            "geometry": ['{"type":"Point","coordinates":[5.2,46.2]}'] * 4 + [None],
        }
    )
    path = tmp_path / "data.parquet"
    pq.write_table(table, path)
    return [path], SCHEMA
