"""CSV reader: French encodings, delimiters and formats, exact types, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.errors import UnreadableFileError
from socle.ingest import ReadOptions, read_file


def ingest(tmp_path: Path, content: bytes, name: str = "f.csv", **options: str):  # type: ignore[no-untyped-def]
    source = tmp_path / name
    source.write_bytes(content)
    dest = tmp_path / "out.parquet"
    result = read_file(source, dest, ReadOptions(**options))
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{dest}')").fetchall()
    return result, rows


def types(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f["name"]: f["type"] for f in result.schema["fields"]}


def test_cp1252_semicolons_decimal_commas_and_french_dates(tmp_path: Path) -> None:
    text = (
        "code_insee;commune;montant;date;horodatage;actif\r\n"
        "01053;Bourg-en-Bresse;1 234,50;31/01/2024;31/01/2024 08:30;oui\r\n"
        "2A004;Ajaccio — œuvre ’€’;-12,5;01/02/2024;01/02/2024 18:00;non\r\n"
    )
    result, rows = ingest(tmp_path, text.encode("cp1252"))
    assert result.details == {"encoding": "cp1252", "delimiter": ";"}
    assert types(result) == {
        "code_insee": "string",
        "commune": "string",
        "montant": "number",
        "date": "date",
        "horodatage": "datetime",
        "actif": "boolean",
    }
    assert rows[0] == (
        "01053",
        "Bourg-en-Bresse",
        1234.5,
        dt.date(2024, 1, 31),
        dt.datetime(2024, 1, 31, 8, 30),
        True,
    )
    assert rows[1][1] == "Ajaccio — œuvre ’€’"


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_encodings_and_delimiters_are_sniffed(
    tmp_path: Path, encoding: str, prefix: bytes, delimiter: str
) -> None:
    text = delimiter.join(["nom", "ville"]) + "\n" + delimiter.join(["Élise", "Orléans"]) + "\n"
    result, rows = ingest(tmp_path, prefix + text.encode(encoding))
    assert result.details["delimiter"] == delimiter
    assert rows == [("Élise", "Orléans")]
    assert types(result) == {"nom": "string", "ville": "string"}


def test_utf8_bom_in_front_of_cp1252_bytes(tmp_path: Path) -> None:
    result, rows = ingest(tmp_path, b"\xef\xbb\xbfnom;montant\nSoci\xe9t\xe9;12,5\n")
    assert types(result) == {"nom": "string", "montant": "number"}
    assert rows == [("Société", 12.5)]


def test_codes_never_lose_their_leading_zeros(tmp_path: Path) -> None:
    text = (
        "insee;cp;siret;tel;quantite;ratio;grand\n"
        "01004;01000;21010053400017;0474000000;1;0.5;12345678901234567890\n"
        "01053;01000;21010053400025;+33474000000;2;1.25;1\n"
    )
    result, rows = ingest(tmp_path, text.encode())
    assert types(result) == {
        "insee": "string",
        "cp": "string",
        "siret": "string",
        "tel": "string",
        "quantite": "integer",
        "ratio": "number",
        "grand": "string",
    }
    assert rows[0][:4] == ("01004", "01000", "21010053400017", "0474000000")


def test_a_late_value_contradicting_the_sample_keeps_the_column_as_text(tmp_path: Path) -> None:
    lines = ["valeur"] + [str(i) for i in range(1, 30_001)] + ["007"]
    result, rows = ingest(tmp_path, ("\n".join(lines) + "\n").encode())
    assert types(result) == {"valeur": "string"}
    assert rows[-1] == ("007",)
    assert len(rows) == 30_001


def test_zero_one_columns_are_integers_and_empty_cells_are_null(tmp_path: Path) -> None:
    result, rows = ingest(tmp_path, b"flag;note\n0;\n1;  \n")
    assert types(result) == {"flag": "integer", "note": "string"}
    assert rows[0] == (0, None)


def test_blank_rows_dropped_short_rows_padded(tmp_path: Path) -> None:
    _, rows = ingest(tmp_path, b"a;b;c\n1;2;3\n;;\n4;5\n")
    assert rows == [(1, 2, 3), (4, 5, None)]


def test_quoted_line_breaks_are_kept(tmp_path: Path) -> None:
    _, rows = ingest(tmp_path, b'id;objet\n1;"deux\nlignes"\n2;simple\n')
    assert rows == [("1", "deux\nlignes"), ("2", "simple")]


def test_duplicate_and_empty_headers_are_renamed_with_warnings(tmp_path: Path) -> None:
    result, _ = ingest(tmp_path, b"nom;;nom\na;b;c\n")
    assert list(types(result)) == ["nom", "colonne_2", "nom_2"]
    assert len(result.warnings) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binaire"),
        (b"a;b\n1;2\n3;4;5\n", "ligne 3"),
        (b'a;b\n1;"jamais ferm\xc3\xa9\n', "guillemet"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(UnreadableFileError, match=message) as caught:
        ingest(tmp_path, content, name="mauvais.csv")
    assert "mauvais.csv" in caught.value.message
    assert not (tmp_path / "out.parquet").exists()


def test_utf8_with_invalid_bytes_later_is_refused_with_the_line(tmp_path: Path) -> None:
    head = "nom\n" + "ligne\n" * 300_000  # the first megabyte is clean UTF-8
    with pytest.raises(UnreadableFileError, match="encodage"):
        ingest(tmp_path, head.encode() + b"caf\xe9\n")
    _, rows = ingest(tmp_path, head.encode() + b"caf\xe9\n", encoding="cp1252")
    assert rows[-1] == ("café",)


@pytest.mark.slow
def test_a_huge_single_line_is_refused_without_blowing_memory(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="trop longue"):
        ingest(tmp_path, b"a;b\n" + b"x" * (100 * 1024 * 1024) + b";1\n")


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).map(lambda s: "« " + s.strip())  # text that cannot pass for a number or a date


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            TEXT,
            st.integers(min_value=-(2**62), max_value=2**62),
            st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 3)),
            st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
            st.integers(min_value=0, max_value=99_999).map(lambda n: f"{n:05d}"),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_round_trip_of_a_french_csv(tmp_path: Path, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    lines = ["texte;entier;nombre;jour;code"]
    for text, integer, number, day, code in rows:
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"{quoted};{integer};{str(number).replace('.', ',')};{day:%d/%m/%Y};{code}")
    result, read = ingest(tmp_path, ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    assert [r[0] for r in read] == [r[0] for r in rows]
    assert [r[1] for r in read] == [r[1] for r in rows]
    assert [r[2] for r in read] == pytest.approx([r[2] for r in rows])
    assert [r[3] for r in read] == [r[3] for r in rows]
    assert [r[4] for r in read] == [r[4] for r in rows]
    assert types(result)["code"] == "string"
