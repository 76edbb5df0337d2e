"""Spreadsheets, JSON, GeoJSON and Parquet readers."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from socle.errors import UnreadableFileError
from socle.ingest import ReadOptions, read_file


def read(path: Path, **options: object):  # type: ignore[no-untyped-def]
    dest = path.parent / "out.parquet"
    result = read_file(path, dest, ReadOptions(**options))  # type: ignore[arg-type]
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{dest}')").fetchall()
    return result, rows, {f["name"]: f["type"] for f in result.schema["fields"]}


def test_xlsx_first_sheet_by_default_and_sheet_by_name(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bâtiments"
    sheet.append(["code", "nom", "kwh", "relevé", "ratio"])
    sheet.append(["01053", "École Brou", 12500, dt.datetime(2024, 1, 1), 0.25])
    sheet.append(["01289", "Gymnase", 8000, dt.datetime(2024, 2, 1), 1.5])
    other = workbook.create_sheet("Autre")
    other.append(["x"])
    other.append([1])
    path = tmp_path / "energie.xlsx"
    workbook.save(path)
    result, rows, types = read(path)
    assert types == {
        "code": "string",
        "nom": "string",
        "kwh": "integer",
        "relevé": "date",
        "ratio": "number",
    }
    assert rows[0] == ("01053", "École Brou", 12500, dt.date(2024, 1, 1), 0.25)
    assert result.details["sheet"] == "Bâtiments"
    assert read(path, sheet="Autre")[1] == [(1,)]
    with pytest.raises(UnreadableFileError, match="Bâtiments, Autre"):
        read(path, sheet="Inconnue")


ODS_CELL = (
    '<table:table-cell office:value-type="{kind}"{value}><text:p>{text}</text:p></table:table-cell>'
)
ODS_ROWS = "".join(
    "<table:table-row>" + "".join(ODS_CELL.format(**cell) for cell in row) + "</table:table-row>"
    for row in (
        [{"kind": "string", "value": "", "text": t} for t in ("insee", "population")],
        [
            {"kind": "string", "value": "", "text": "01053"},
            {"kind": "float", "value": ' office:value="41500"', "text": "41500"},
        ],
    )
)
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
    f"{ODS_ROWS}</table:table></office:spreadsheet></office:body></office:document-content>"
)


def test_ods(tmp_path: Path) -> None:
    path = tmp_path / "communes.ods"
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", ODS_CONTENT)
        ods.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        )
    result, rows, types = read(path)
    assert types == {"insee": "string", "population": "integer"}
    assert rows == [("01053", 41500)]
    assert result.format == "ods"


def test_corrupt_spreadsheet_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "faux.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(UnreadableFileError, match=r"faux\.xlsx"):
        read(path)


def test_json_array_with_nested_objects_flattened_or_kept(tmp_path: Path) -> None:
    records = [
        {
            "date": "2024-01-31",
            "station": {"code": "FR01", "nom": "Brou"},
            "no2": 21.5,
            "tags": [1],
        },
        {
            "date": "2024-02-01",
            "station": {"code": "FR02", "nom": "Péronnas"},
            "no2": 18,
            "tags": [],
        },
    ]
    path = tmp_path / "air.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result, rows, types = read(path)
    assert types == {
        "date": "date",
        "station.code": "string",
        "station.nom": "string",
        "no2": "number",
        "tags": "array",
    }
    assert rows[1][:3] == (dt.date(2024, 2, 1), "FR02", "Péronnas")
    assert result.format == "json"
    _, kept, kept_types = read(path, flatten=False)
    assert kept_types["station"] == "object"
    assert json.loads(kept[0][1]) == {"code": "FR01", "nom": "Brou"}


def test_ndjson_and_wrapped_array(tmp_path: Path) -> None:
    path = tmp_path / "lignes.ndjson"
    path.write_text('{"code": "01004", "n": 1}\n{"code": "01053", "n": 2}\n', encoding="utf-8")
    result, rows, _ = read(path)
    assert rows == [("01004", 1), ("01053", 2)]
    assert result.format == "ndjson"
    wrapped = tmp_path / "api.json"
    wrapped.write_text(json.dumps({"total": 2, "data": [{"a": "x"}, {"a": "y"}]}), encoding="utf-8")
    assert read(wrapped)[1] == [("x",), ("y",)]


def test_invalid_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "casse.json"
    path.write_text('[{"a": 1}, {"a": ', encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=r"casse\.json"):
        read(path)


def feature_collection(coordinates: list[float], crs: str | None = None) -> dict:  # type: ignore[type-arg]
    document: dict = {  # type: ignore[type-arg]
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "EP-1",
                "geometry": {"type": "Point", "coordinates": coordinates},
                "properties": {"type_lampe": "LED", "puissance": 40, "insee": "01053"},
            },
            {"type": "Feature", "geometry": None, "properties": {"type_lampe": "sodium"}},
        ],
    }
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return document


def test_geojson_in_lambert_93_is_reprojected_to_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "eclairage.geojson"
    # Bourg-en-Bresse town hall, in Lambert-93.
    document = feature_collection([872_900.0, 6_570_300.0], "urn:ogc:def:crs:EPSG::2154")
    path.write_text(json.dumps(document), encoding="utf-8")
    result, rows, types = read(path)
    assert types["geometry"] == "geojson"
    assert types["insee"] == "string"
    assert result.details["source_crs"] == "EPSG:2154"
    lon, lat = json.loads(rows[0][-1])["coordinates"]
    assert 5.1 < lon < 5.4 and 46.1 < lat < 46.3
    assert rows[1][-1] is None
    assert "id" in types


def test_geojson_invalid_geometry_names_the_feature(tmp_path: Path) -> None:
    path = tmp_path / "faux.geojson"
    document = feature_collection([5.2, 46.2])
    document["features"][1]["geometry"] = {"type": "Point", "coordinates": "n'importe quoi"}
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="entité n° 2"):
        read(path)


def test_parquet_types_are_mapped(tmp_path: Path) -> None:
    path = tmp_path / "source.parquet"
    table = pa.table(
        {
            "code": pa.array(["01053"]),
            "n": pa.array([3], pa.int32()),
            "x": pa.array([1.5], pa.float32()),
            "jour": pa.array([dt.date(2024, 1, 1)]),
            "ok": pa.array([True]),
        }
    )
    pq.write_table(table, path)
    _, rows, types = read(path)
    assert types == {
        "code": "string",
        "n": "integer",
        "x": "number",
        "jour": "date",
        "ok": "boolean",
    }
    assert rows == [("01053", 3, 1.5, dt.date(2024, 1, 1), True)]


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG")
    with pytest.raises(UnreadableFileError, match="format non reconnu"):
        read(path)


def test_gzip_and_single_file_zip(tmp_path: Path) -> None:
    content = "code;nom\n01053;Bourg-en-Bresse\n".encode("cp1252")
    gz = tmp_path / "communes.csv.gz"
    gz.write_bytes(gzip.compress(content))
    result, rows, _ = read(gz)
    assert rows == [("01053", "Bourg-en-Bresse")]
    assert result.details["compression"] == "gzip"
    archive = tmp_path / "communes.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("dossier/communes.csv", content)
    assert read(archive)[1] == [("01053", "Bourg-en-Bresse")]
    assert not any(p.name.startswith(".unpacked") for p in tmp_path.iterdir())


def test_bad_archives_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "casse.csv.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00pas du gzip")
    with pytest.raises(UnreadableFileError, match="gzip"):
        read(broken)
    two = tmp_path / "deux.zip"
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("a.csv", "a\n1\n")
        z.writestr("b.csv", "b\n2\n")
    with pytest.raises(UnreadableFileError, match="un seul fichier"):
        read(two)
