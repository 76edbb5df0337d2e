"""Spreadsheets: sheets, header row, cell kinds kept exactly, ODS, bad workbooks."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from socle.errors import UnreadableFileError
from socle.ingest import excel
from tests.ingest.conftest import Read

Reader = Callable[..., Read]


def workbook(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_first_sheet_by_default_and_sheet_by_name(tmp_path: Path, read: Reader) -> None:
    path = workbook(
        tmp_path / "energie.xlsx",
        ("Bâtiments", [["code", "nom"], ["01053", "École Brou"]]),
        ("Autre", [["x"], [1]]),
    )
    got = read(path)
    assert got.rows == [("01053", "École Brou")]
    assert got.result.format == "xlsx"
    assert got.result.details["sheet"] == "Bâtiments"
    assert got.result.details["sheets"] == ["Bâtiments", "Autre"]
    assert read(path, sheet="Autre").rows == [(1,)]
    with pytest.raises(UnreadableFileError, match=r"« Inconnue » introuvable.*Bâtiments, Autre"):
        read(path, sheet="Inconnue")


def test_cells_keep_their_kind_exactly(tmp_path: Path, read: Reader) -> None:
    header = ["insee", "kwh", "ratio", "grand", "jour", "relevé", "heure", "actif", "texte", "mix"]
    rows = [
        header,
        ["01053", 12500, 0.1234567890123456, 1e20, dt.date(2024, 1, 1),
         dt.datetime(2024, 1, 1, 8, 30), dt.time(8, 30), True, "12", 1.5],
        ["2A004", 8000, 1.5, 2.5, dt.date(2024, 2, 1),
         dt.datetime(2024, 2, 1, 18, 0, 5), dt.time(18, 0), False, "7", "N/A"],
    ]  # fmt: skip
    got = read(workbook(tmp_path / "f.xlsx", ("Feuille", rows)))
    assert got.types == {
        "insee": "string",
        "kwh": "integer",
        "ratio": "number",
        "grand": "number",
        "jour": "date",
        "relevé": "datetime",
        "heure": "time",
        "actif": "boolean",
        "texte": "integer",
        "mix": "string",
    }
    assert got.rows[0] == (
        "01053", 12500, 0.1234567890123456, 1e20, dt.date(2024, 1, 1),
        dt.datetime(2024, 1, 1, 8, 30), dt.time(8, 30), True, 12, "1.5",
    )  # fmt: skip


def test_number_cells_in_a_code_column_stay_text(tmp_path: Path, read: Reader) -> None:
    rows = [["code_postal", "siret"], [75001, 21010053400017], [1000, 21010053400025]]
    got = read(workbook(tmp_path / "f.xlsx", ("F", rows)))
    assert got.rows == [("75001", "21010053400017"), ("1000", "21010053400025")]


def test_header_is_the_first_non_empty_row(tmp_path: Path, read: Reader) -> None:
    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["F3"], sheet["G3"] = "nom", "", "nom", "Nom"
    sheet["C4"], sheet["D4"], sheet["F4"] = "a", 1, "b"
    sheet["C6"], sheet["E6"], sheet["G6"] = "c", None, 3  # row 5 is empty
    sheet["H20"].number_format = "0.00"  # formatting only: not a column
    path = tmp_path / "f.xlsx"
    book.save(path)
    got = read(path)
    assert list(got.types) == ["nom", "colonne_2", "nom_2", "Nom_3"]
    assert got.rows == [("a", 1, "b", None), ("c", None, None, 3)]
    assert got.result.warnings == [
        "En-tête vide en colonne 2, renommée « colonne_2 »",
        "Colonne « nom » en double, renommée « nom_2 »",
        "Colonne « Nom » en double, renommée « Nom_3 »",
    ]


def test_kinds_are_tracked_across_batches(
    tmp_path: Path, read: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "BATCH_ROWS", 2)
    rows = [["n", "m"], [1, 1], [2, 2], [3, 3], ["quatre", 4.5]]
    got = read(workbook(tmp_path / "f.xlsx", ("F", rows)))
    assert got.types == {"n": "string", "m": "number"}
    assert got.column("n") == ["1", "2", "3", "quatre"]


ODS_CELL = (
    '<table:table-cell office:value-type="{kind}"{value}><text:p>{text}</text:p></table:table-cell>'
)
ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(path: Path, rows: list[list[str | float]]) -> Path:
    """A minimal OpenDocument spreadsheet: mimetype, manifest and content.xml."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            ODS_CELL.format(kind="string", value="", text=cell)
            if isinstance(cell, str)
            else ODS_CELL.format(kind="float", value=f' office:value="{cell}"', text=cell)
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table '
        f'table:name="Feuille1">{cells}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


@pytest.mark.parametrize("name", ["communes.ods", "communes.xls"])
def test_ods_is_recognised_by_its_content(tmp_path: Path, read: Reader, name: str) -> None:
    path = ods(tmp_path / name, [["insee", "population"], ["01053", 41500.0], ["2A004", 70.5]])
    got = read(path)
    assert got.types == {"insee": "string", "population": "number"}
    assert got.rows == [("01053", 41500.0), ("2A004", 70.5)]
    assert got.result.format == "ods"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 pas vraiment un zip", "classeur illisible"),
        (b"a;b\n1;2\n", "ce n'est pas un classeur"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "classeur illisible"),
    ],
)
def test_bad_workbooks_are_clear_errors(
    tmp_path: Path, read: Reader, content: bytes, message: str
) -> None:
    path = tmp_path / "faux.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=message) as caught:
        read(path)
    assert caught.value.file == "faux.xlsx"


def test_an_empty_sheet_is_an_error(tmp_path: Path, read: Reader) -> None:
    path = workbook(tmp_path / "vide.xlsx", ("Vide", []), ("Pleine", [["a"], [1]]))
    with pytest.raises(UnreadableFileError, match="« Vide » est vide"):
        read(path)
    assert read(path, sheet="Pleine").rows == [(1,)]


def test_real_workbooks(shared_data: Path, read: Reader) -> None:
    folder = shared_data / "messy-csv" / "csv-detective-fixtures" / "tests-data"
    disguised = read(folder / "file.xls")  # an ODS named .xls
    assert disguised.result.format == "ods"
    assert disguised.types["CP"] == "string"
    assert disguised.types["DATE DE RECONNAISSANCE D'UTILITE PUBLIQUE"] == "date"
    assert len(disguised.rows) == 5
    two_sheets = read(folder / "file.xlsx", sheet="REI_1987")
    assert two_sheets.result.details["sheets"] == ["Notice", "REI_1987"]
    assert read(folder / "file.ods").types["Année"] == "integer"


TEXT = st.text(alphabet=st.characters(categories=("L", "N", "Zs")), min_size=1, max_size=15).map(
    lambda s: "« " + s
)


def as_datetime(value: dt.date) -> dt.datetime:
    """Spreadsheets show a midnight timestamp as a date."""
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            TEXT,
            st.integers(min_value=-(2**53), max_value=2**53),
            # openpyxl writes 16 significant digits: 15 survive; past 2**53 floats are inexact.
            st.floats(min_value=-1e15, max_value=1e15).map(lambda f: float(f"{f:.15g}")),
            st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
                lambda d: d.replace(microsecond=0)
            ),
            st.integers(min_value=0, max_value=9_999).map(lambda n: f"0{n:04d}"),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_round_trip(tmp_path: Path, read: Reader, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    path = workbook(
        tmp_path / "f.xlsx",
        ("F", [["texte", "entier", "nombre", "moment", "code"], *map(list, rows)]),
    )
    got = read(path)
    assert got.column("texte") == [r[0] for r in rows]
    assert got.column("entier") == [r[1] for r in rows]
    assert got.column("nombre") == [r[2] for r in rows]
    assert [as_datetime(v) for v in got.column("moment")] == [r[3] for r in rows]
    assert got.column("code") == [r[4] for r in rows]
