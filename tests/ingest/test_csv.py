"""CSV reader: French encodings and dialects, rows and headers, bad input, round trips."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from socle.errors import UnreadableFileError
from socle.ingest import read_file
from socle.ingest.encoding import UTF8_MULTIBYTE
from tests.ingest.conftest import Read

Write = Callable[[str, bytes | str], Path]
Reader = Callable[..., Read]


def test_cp1252_semicolons_decimal_commas_and_french_dates(write: Write, read: Reader) -> None:
    text = (
        "code_insee;commune;montant;date;horodatage;actif\r\n"
        "01053;Bourg-en-Bresse;1 234,50;31/01/2024;31/01/2024 08:30;oui\r\n"
        "2A004;Ajaccio — œuvre ’€’ « Š »;-12,5;01/02/2024;01/02/2024 18:00:05;NON\r\n"
    )
    got = read(write("communes.csv", text.encode("cp1252")))
    assert got.result.details["encoding"] == "cp1252"
    assert got.result.details["delimiter"] == ";"
    assert got.types == {
        "code_insee": "string",
        "commune": "string",
        "montant": "number",
        "date": "date",
        "horodatage": "datetime",
        "actif": "boolean",
    }
    assert got.rows == [
        (
            "01053",
            "Bourg-en-Bresse",
            1234.5,
            dt.date(2024, 1, 31),
            dt.datetime(2024, 1, 31, 8, 30),
            True,
        ),
        (
            "2A004",
            "Ajaccio — œuvre ’€’ « Š »",
            -12.5,
            dt.date(2024, 2, 1),
            dt.datetime(2024, 2, 1, 18, 0, 5),
            False,
        ),
    ]
    assert got.result.details["formats"]["montant"] == "decimalChar=,"


ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "cp1252": lambda text: text.encode("cp1252"),
    "utf-16": lambda text: text.encode("utf-16"),  # Excel's "texte Unicode"
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_encodings_and_delimiters_are_sniffed(
    write: Write, read: Reader, encoding: str, delimiter: str
) -> None:
    lines = [["nom", "ville", "n"], ["Élise", "Orléans", "1"], ["Zoé", "Sète", "2"]]
    text = "".join(delimiter.join(line) + "\r\n" for line in lines)
    got = read(write("f.csv", ENCODINGS[encoding](text)))
    assert got.result.details["encoding"] == encoding
    assert got.result.details["delimiter"] == delimiter
    assert got.rows == [("Élise", "Orléans", 1), ("Zoé", "Sète", 2)]


def test_a_utf8_bom_in_front_of_cp1252_bytes_is_cp1252(write: Write, read: Reader) -> None:
    got = read(write("somme.csv", b"\xef\xbb\xbfnom;montant\nSoci\xe9t\xe9 \x80;12,5\n"))
    assert got.result.details["encoding"] == "cp1252"
    assert got.types == {"nom": "string", "montant": "number"}
    assert got.rows == [("Société €", 12.5)]


def test_bytes_undefined_in_cp1252_are_read_as_latin1(write: Write, read: Reader) -> None:
    assert read(write("f.csv", b"nom\nx\x81y \xe9\n")).rows == [("x\x81y é",)]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("nom\nÉlise\nZoé\n".encode() + b"caf\xe9\n", 4),  # one stray cp1252 byte
        ("nom\nÉlise\nOrléans".encode()[:-4], 3),  # truncated in the middle of "é"
    ],
)
def test_damaged_utf8_is_refused_rather_than_turned_into_mojibake(
    write: Write, read: Reader, content: bytes, line: int
) -> None:
    path = write("abime.csv", content)
    with pytest.raises(UnreadableFileError, match="UTF-8") as caught:
        read(path)
    assert caught.value.file == "abime.csv"
    assert caught.value.line == line
    assert read(path, encoding="cp1252").rows[0] == ("Ã‰lise",)  # the user's call


def test_a_clean_cp1252_file_with_few_accents_is_cp1252(write: Write, read: Reader) -> None:
    got = read(write("f.csv", "nom\nÉlise\nZoé\n".encode("cp1252")))
    assert got.result.details["encoding"] == "cp1252"
    assert got.rows == [("Élise",), ("Zoé",)]


def test_invalid_utf8_beyond_the_sample_is_refused_with_its_line(
    write: Write, read: Reader
) -> None:
    head = "nom;n\n" + "ligne;1\n" * 150_000  # more than the sniffed megabyte
    path = write("long.csv", head.encode() + b"caf\xe9;2\n")
    with pytest.raises(UnreadableFileError, match="UTF-8") as caught:
        read(path)
    assert caught.value.line == 150_002
    assert read(path, encoding="cp1252").rows[-1] == ("café", 2)


def test_forced_options(write: Write, read: Reader) -> None:
    path = write("f.txt", "a|b\n1,5|x\n".encode("latin-1"))
    assert read(path, delimiter="tab").types == {"a|b": "string"}
    assert read(path, delimiter="|", encoding="latin-1").rows == [(1.5, "x")]
    with pytest.raises(UnreadableFileError, match="encodage inconnu"):
        read(path, encoding="klingon")
    with pytest.raises(UnreadableFileError, match="séparateur invalide"):
        read(path, delimiter=";;")


def test_quoting(write: Write, read: Reader) -> None:
    text = 'id;texte\n1;"a;b"\n2;"il dit ""oui"""\n3;"deux\r\nlignes"\n4;12" pouces\n'
    got = read(write("f.csv", text))
    assert got.column("texte") == ["a;b", 'il dit "oui"', "deux\r\nlignes", '12" pouces']


def test_header_names_are_kept_cleaned_and_made_unique(write: Write, read: Reader) -> None:
    text = '\ufeff Année ;;nom;Nom;"code\npostal";colonne_2\n2024;a;b;c;01000;d\n'
    got = read(write("f.csv", text))
    assert list(got.types) == ["Année", "colonne_2", "nom", "Nom_2", "code postal", "colonne_2_2"]
    assert got.result.warnings == [
        "En-tête vide en colonne 2, renommée « colonne_2 »",
        "Colonne « Nom » en double, renommée « Nom_2 »",
        "Colonne « colonne_2 » en double, renommée « colonne_2_2 »",
    ]
    assert got.types["code postal"] == "string"


def test_empty_and_blank_cells_are_missing_and_blank_rows_dropped(
    write: Write, read: Reader
) -> None:
    text = "a;b;c\n1; x ;\n;;\n\n2;  ;\u00a0\n ; ; \n3;\t;\n"
    got = read(write("f.csv", text))
    assert got.types == {"a": "integer", "b": "string", "c": "string"}
    assert got.rows == [(1, " x ", None), (2, None, None), (3, None, None)]


def test_short_rows_are_padded_with_a_warning(write: Write, read: Reader) -> None:
    got = read(write("f.csv", "a;b;c\n1;2;3\n4;5\n6\n7;8;\n"))
    assert got.rows == [(1, 2, 3), (4, 5, None), (6, None, None), (7, 8, None)]
    assert got.result.warnings == [
        "2 ligne(s) avec moins de valeurs que de colonnes : complétée(s) par des valeurs manquantes"
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"a;b\n1;2\n3;4;5\n", 3),
        (b'a;b\n1;"x\ny\nz"\n\n2;3;4\n', 6),  # lines, not records, are counted
        (b"\xef\xbb\xbfa;b\r\n1;2\r\n3;4;5\r\n", 3),
    ],
)
def test_a_row_longer_than_the_header_is_an_error_naming_its_line(
    write: Write, read: Reader, content: bytes, line: int
) -> None:
    with pytest.raises(UnreadableFileError, match="3 valeurs au lieu de 2 colonnes") as caught:
        read(write("large.csv", content))
    assert caught.value.line == line
    assert f"large.csv, ligne {line}" in caught.value.message


def test_mixed_line_endings_are_read(write: Write, read: Reader) -> None:
    got = read(write("f.csv", b"a;b\r\n1;2\n3;4\r\n5;6\n"))
    assert got.rows == [(1, 2), (3, 4), (5, 6)]
    cp1252 = read(write("g.csv", b"a;b\n\xe9;2\r\n3;4\n"))
    assert cp1252.rows == [("é", 2), ("3", 4)]


def test_header_only_and_leading_blank_lines(write: Write, read: Reader) -> None:
    header_only = read(write("f.csv", "a;b\r\n"))
    assert header_only.rows == []
    assert header_only.types == {"a": "string", "b": "string"}
    assert read(write("g.csv", "\n\r\na;b\n1;2\n")).rows == [(1, 2)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"\xef\xbb\xbf \r\n", "vide"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binaire"),
        (b'a;b\n1;"jamais ferm\xc3\xa9\n2;3\n', "guillemet"),
        (b'a;b\n1;"ferm\xc3\xa9"puis\n', "guillemet"),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_file(
    write: Write, tmp_path: Path, content: bytes, message: str
) -> None:
    dest = tmp_path / "out" / "data.parquet"
    dest.parent.mkdir()
    with pytest.raises(UnreadableFileError, match=message) as caught:
        read_file(write("mauvais.csv", content), dest)
    assert caught.value.file == "mauvais.csv"
    assert "mauvais.csv" in caught.value.message
    assert list(dest.parent.iterdir()) == []


def test_a_huge_single_line_is_refused_without_blowing_memory(tmp_path: Path, read: Reader) -> None:
    path = tmp_path / "enorme.csv"
    with path.open("wb") as f:
        f.write(b"a;b\n")
        for _ in range(100):
            f.write(b"x" * (1 << 20))
        f.write(b";1\n")
    with pytest.raises(UnreadableFileError, match="trop longue") as caught:
        read(path)
    assert caught.value.line == 2
    headless = tmp_path / "sans-fin.csv"
    headless.write_bytes(b"x" * (3 << 20))
    with pytest.raises(UnreadableFileError, match="trop longue"):
        read(headless)


def test_a_late_value_contradicting_the_sample_keeps_the_column_as_text(
    write: Write, read: Reader
) -> None:
    lines = ["valeur;quand"] + [f"{i};2024-01-01" for i in range(1, 30_001)]
    got = read(write("f.csv", "\n".join([*lines, "007;2024-02-30"]) + "\n"))
    assert got.types == {"valeur": "string", "quand": "string"}
    assert got.rows[-1] == ("007", "2024-02-30")
    assert got.rows[0] == ("1", "2024-01-01")
    assert len(got.rows) == 30_001


def test_a_file_without_extension_is_read_as_csv(write: Write, read: Reader) -> None:
    assert read(write("export", "a;b\n1;2\n")).rows == [(1, 2)]


def test_progress_is_reported_in_bytes(tmp_path: Path, write: Write) -> None:
    path = write("f.csv", "a;b\n" + "1;é\n" * 1000)
    seen: list[int] = []
    dest = tmp_path / "out.parquet"
    read_file(path, dest, progress=seen.append)
    assert seen and seen[-1] == path.stat().st_size


def test_quoted_line_breaks_in_a_padded_file_need_one_thread(write: Write, read: Reader) -> None:
    rows = [f'{i};"ligne\nsuite {i}";x' for i in range(3000)] + ["3000;court"]
    got = read(write("f.csv", "n;texte;autre\n" + "\n".join(rows) + "\n"))
    assert len(got.rows) == 3001
    assert got.rows[1] == (1, "ligne\nsuite 1", "x")
    assert got.rows[-1] == (3000, "court", None)


FRENCH_TEXT = st.text(
    alphabet=st.characters(
        codec="cp1252", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85"
    ),
    min_size=1,
    max_size=20,
).map(lambda s: "« " + s)  # text that cannot pass for a number or a date


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            FRENCH_TEXT,
            st.integers(min_value=-(2**63), max_value=2**63 - 1),
            st.floats(allow_nan=False, allow_infinity=False, width=64),
            st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
            st.integers(min_value=0, max_value=9_999).map(lambda n: f"0{n:04d}"),
            st.integers(min_value=2**63, max_value=2**70),
        ),
        min_size=1,
        max_size=25,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_round_trip_of_a_french_csv(
    write: Write,
    read: Reader,
    rows: list[tuple],
    encoding: str,  # type: ignore[type-arg]
) -> None:
    lines = ["texte;entier;nombre;jour;code;grand"]
    for text, integer, number, day, code, big in rows:
        quoted = '"' + text.replace('"', '""') + '"'
        french = repr(number).replace(".", ",")
        lines.append(f"{quoted};{integer};{french};{day:%d/%m/%Y};{code};{big}")
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    # cp1252 text such as "Â\xa0" is also valid UTF-8: such a file is refused as damaged
    # UTF-8 by design (see ingest.encoding), not read; it is not a round trip to test.
    assume(encoding != "cp1252" or not UTF8_MULTIBYTE.search(data))
    got = read(write("f.csv", data))
    assert got.column("texte") == [r[0] for r in rows]
    assert got.column("entier") == [r[1] for r in rows]
    assert got.column("jour") == [r[3] for r in rows]
    assert got.column("code") == [r[4] for r in rows]
    assert got.column("grand") == [str(r[5]) for r in rows]
    assert got.types["code"] == "string"
    assert got.types["grand"] == "string"
    if got.types["nombre"] == "number":  # else a value was not exactly a double: kept as text
        assert got.column("nombre") == [r[2] for r in rows]
    else:
        assert got.column("nombre") == [repr(r[2]).replace(".", ",") for r in rows]
