"""The demo files: deterministic, in the formats authorities really receive, flaws included."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from openpyxl import load_workbook
from pyproj import Transformer
from python_calamine import CalamineWorkbook
from shapely.geometry import Point, shape

from socle.demo import demo_datasets, write_demo_files
from socle.demo.territory import COMMUNES, INSEE_CODES, ORGANIZATION_SIRET, luhn_valid

Files = dict[int, dict[str, Path]]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    root = tmp_path_factory.mktemp("demo")
    return {v: write_demo_files(root / str(v), v) for v in (1, 2)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def csv_rows(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def geojson(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    for feature in document["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        if feature["geometry"] is not None:
            assert shape(feature["geometry"]).is_valid
    return document


def test_files_carry_their_manifest_names(files: Files) -> None:
    for variant in (1, 2):
        assert set(files[variant]) == {d.slug for d in demo_datasets()}
        for dataset in demo_datasets():
            assert files[variant][dataset.slug].name == dataset.filename


def test_generation_is_deterministic(files: Files, tmp_path: Path) -> None:
    for variant in (1, 2):
        again = write_demo_files(tmp_path / str(variant), variant)
        assert {s: sha256(p) for s, p in again.items()} == {
            s: sha256(p) for s, p in files[variant].items()
        }


def test_second_delivery_differs(files: Files) -> None:
    assert all(sha256(files[1][s]) != sha256(files[2][s]) for s in files[1])


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="variante"):
        write_demo_files(tmp_path, 3)
    with pytest.raises(ValueError, match="variante"):
        demo_datasets()[0].generate(tmp_path, 0)
    assert list(tmp_path.iterdir()) == []


def test_counters_are_a_big_windows_1252_csv(files: Files) -> None:
    raw = files[1]["comptages-velos-voitures"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "é" in text and "Rue Édouard Herriot" in text and "Boulevard de Brou" in text
    lines = text.split("\r\n")
    assert lines[0].split(";")[:3] == ["identifiant_compteur", "nom_compteur", "code_insee"]
    assert len(lines) - 2 >= 150_000  # header, and the empty string after the last line end
    first = lines[1].split(";")
    assert first[2] == "01053"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", first[5])
    assert re.fullmatch(r"46,\d{5}", first[7])


def test_counters_have_rush_hours_weekends_and_summers(files: Files) -> None:
    rows = csv_rows(files[2]["comptages-velos-voitures"], "cp1252", ";")
    assert {r["code_insee"] for r in rows} <= set(INSEE_CODES)
    by_key: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        if row["identifiant_compteur"] != "CPT-03":  # an urban bike counter
            continue
        moment = dt.datetime.strptime(row["date_heure"], "%d/%m/%Y %H:%M")
        day = "weekend" if moment.weekday() >= 5 else "weekday"
        for key in ((day, f"h{moment.hour}"), ("month", f"m{moment.month}")):
            by_key.setdefault(key, []).append(int(row["comptage"]))

    def mean(key: tuple[str, str]) -> float:
        return sum(by_key[key]) / len(by_key[key])

    assert mean(("weekday", "h8")) > 10 * mean(("weekday", "h3"))
    assert mean(("weekday", "h8")) > 2 * mean(("weekday", "h11"))
    assert mean(("weekday", "h8")) > 2 * mean(("weekend", "h8"))
    assert mean(("month", "m6")) > 1.5 * mean(("month", "m1"))


def test_counters_flaws_and_second_delivery(files: Files) -> None:
    first = files[1]["comptages-velos-voitures"].read_bytes().decode("cp1252").split("\r\n")
    second = files[2]["comptages-velos-voitures"].read_bytes().decode("cp1252").split("\r\n")
    assert sum(";Bourg en Bresse;" in line for line in first) == 7 * 24
    assert not any(";Bourg en Bresse;" in line for line in second)
    assert sum(";-1;" in line for line in first) == 1
    assert len(first) - len(set(first)) == 1  # one duplicated row
    assert len({line for line in first if line.startswith("CPT-07;")}) == 335 * 24 - 72
    assert not any("/12/2024" in line for line in first)
    assert sum("/12/2024" in line for line in second) == 31 * 24 * 20
    assert len(second) > len(first)


def test_energy_is_a_spreadsheet_with_french_headers(files: Files) -> None:
    sheets = {}
    for variant in (1, 2):
        workbook = load_workbook(files[variant]["consommations-energie-batiments"])
        assert workbook.sheetnames == ["Consommations 2024"]
        sheets[variant] = list(workbook["Consommations 2024"].values)
    header, *rows = sheets[1]
    assert "Électricité (kWh)" in header and "Surface (m²)" in header
    insee = header.index("Code INSEE")
    assert {r[insee] for r in rows} - set(INSEE_CODES) == {1065}  # the one lost zero
    assert all(isinstance(r[header.index("Mois")], dt.datetime) for r in rows)
    assert all(r[header.index("Coût (€ TTC)")] is None for r in rows)
    comments = [r[header.index("Commentaire")] for r in rows]
    assert comments.count("à vérifier") == 1 and comments.count("relevé manquant") == 1
    second_comments = [r[header.index("Commentaire")] for r in sheets[2][1:]]
    assert "à vérifier" not in second_comments
    assert len(sheets[2]) == len(sheets[1]) + 4  # a building opened in September


def test_geojson_files_are_valid(files: Files) -> None:
    for slug in ("conteneurs-apport-volontaire", "eclairage-public", "communes"):
        for variant in (1, 2):
            document = geojson(files[variant][slug])
            codes = {f["properties"]["code_insee"] for f in document["features"]}
            assert codes <= set(INSEE_CODES)


def test_containers_are_wgs84_points(files: Files) -> None:
    first = geojson(files[1]["conteneurs-apport-volontaire"])["features"]
    second = geojson(files[2]["conteneurs-apport-volontaire"])["features"]
    located = [f for f in first if f["geometry"]]
    assert len(first) - len(located) == 2  # not yet surveyed
    assert all(
        5.0 < lon < 5.45 and 46.0 < lat < 46.35
        for lon, lat in (f["geometry"]["coordinates"] for f in located)
    )
    kinds = {f["properties"]["type_dechet"] for f in first}
    assert kinds == {"verre", "emballages", "papier", "ordures ménagères"}
    fills = [f["properties"]["taux_remplissage"] for f in first]
    assert sum(1 for v in fills if v is not None and v > 100) == 1
    assert any(f["properties"]["commune"] == "Peronnas" for f in first)
    assert not any(f["properties"]["commune"] == "Peronnas" for f in second)
    assert len(second) > len(first)


def test_lighting_is_in_lambert_93(files: Files) -> None:
    document = geojson(files[1]["eclairage-public"])
    assert document["crs"] == {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}
    points = [f["geometry"]["coordinates"] for f in document["features"]]
    assert len(points) > 1_000
    assert all(850_000 < x < 900_000 and 6_550_000 < y < 6_600_000 for x, y in points)
    to_wgs84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(*points[0])
    bourg = COMMUNES[0]
    assert abs(lon - bourg.lon) < 0.05 and abs(lat - bourg.lat) < 0.05
    years = [f["properties"]["annee_installation"] for f in document["features"]]
    assert 1900 in years and all(y == 1900 or 1975 <= y <= 2024 for y in years)


def test_lighting_second_delivery_retrofits_to_led(files: Files) -> None:
    def leds(variant: int) -> int:
        features = geojson(files[variant]["eclairage-public"])["features"]
        return sum(f["properties"]["type_lampe"] == "LED" for f in features)

    assert leds(2) > leds(1)


def test_air_quality_nests_its_stations(files: Files) -> None:
    first = json.loads(files[1]["qualite-air"].read_text(encoding="utf-8"))
    second = json.loads(files[2]["qualite-air"].read_text(encoding="utf-8"))
    assert isinstance(first, list) and len(first) == 3 * 366 - 8
    station = first[0]["station"]
    assert re.fullmatch(r"FR\d{5}", station["code"]) and station["code_insee"] == "01053"
    assert set(station["localisation"]) == {"latitude", "longitude"}
    assert {r["unite"] for r in first} == {"µg/m³"}
    assert sum(1 for r in first if r["pm25"] is not None and r["pm25"] < 0) == 1
    assert all(r["pm25"] is None or r["pm25"] >= 0 for r in second)
    summer = [r["o3"] for r in first if r["date"][5:7] == "07" and r["o3"] is not None]
    winter = [r["o3"] for r in first if r["date"][5:7] == "01" and r["o3"] is not None]
    assert sum(summer) / len(summer) > 1.5 * sum(winter) / len(winter)
    validated = [sum(r["statut"] == "validé" for r in doc) for doc in (first, second)]
    assert validated[1] > validated[0]


def test_subsidies_follow_the_scdl_layout(files: Files) -> None:
    raw = files[1]["subventions-associations"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(files[1]["subventions-associations"], "utf-8-sig", ";")
    assert {r["idAttribuant"] for r in rows} == {ORGANIZATION_SIRET}
    sirets = [r["idBeneficiaire"] for r in rows]
    assert all(re.fullmatch(r"\d{14}", s) for s in sirets if s)
    assert sum(1 for s in sirets if s and not luhn_valid(s)) == 1  # the one typo
    assert sum(1 for r in rows if not r["idBeneficiaire"] and not r["rnaBeneficiaire"]) == 1
    assert all(re.fullmatch(r"W\d{9}", r["rnaBeneficiaire"]) for r in rows if r["idBeneficiaire"])
    assert all(re.fullmatch(r"\d+,\d\d", r["montant"]) for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["dateConvention"]) for r in rows)
    assert {r["nature"] for r in rows} == {"aide en numéraire", "aide en numéraire;aide en nature"}
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d(/\d{4}-\d\d-\d\d)?", r["datesPeriodeVersement"])
        for r in rows
    )
    second = csv_rows(files[2]["subventions-associations"], "utf-8-sig", ";")
    assert len(second) > len(rows)
    changed = [a for a, b in zip(rows, second, strict=False) if a != b]
    assert len(changed) == 1 and changed[0]["montant"] != second[rows.index(changed[0])]["montant"]


def test_subsidies_header_is_the_national_schema(files: Files, shared_data: Path) -> None:
    schema = json.loads((shared_data / "schemas/scdl-subventions/schema.json").read_text())
    rows = csv_rows(files[1]["subventions-associations"], "utf-8-sig", ";")
    assert list(rows[0]) == [f["name"] for f in schema["fields"]]


def test_facilities_are_a_plain_utf8_csv(files: Files) -> None:
    raw = files[1]["equipements-publics"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(files[1]["equipements-publics"], "utf-8", ",")
    postal_codes = [r["code_postal"] for r in rows]
    assert [p for p in postal_codes if not re.fullmatch(r"01\d{3}", p)] == ["1340"]
    assert all(r["code_insee"].startswith("01") for r in rows)
    phones = [r["telephone"] for r in rows]
    assert phones.count("") == 1
    assert all(re.fullmatch(r"04 74 \d\d \d\d \d\d", p) for p in phones if p)
    assert all(r["site_web"] == "" for r in rows)
    assert {"Piscine", "Médiathèque", "Gymnase", "École élémentaire"} <= {
        r["categorie"] for r in rows
    }
    identifiers = [r["identifiant"] for r in rows]
    assert len(identifiers) - len(set(identifiers)) == 1
    second = [r["identifiant"] for r in csv_rows(files[2]["equipements-publics"], "utf-8", ",")]
    assert len(second) == len(set(second)) == len(set(identifiers)) + 1


def test_communes_tile_the_territory(files: Files) -> None:
    features = geojson(files[1]["communes"])["features"]
    assert [f["properties"]["code_insee"] for f in features] == INSEE_CODES
    outlines = [shape(f["geometry"]) for f in features]
    assert all(o.geom_type == "Polygon" for o in outlines)
    for outline, commune in zip(outlines, COMMUNES, strict=True):
        assert outline.contains(Point(commune.lon, commune.lat))
    union = shapely.union_all(outlines)
    assert union.area == pytest.approx(sum(o.area for o in outlines), rel=1e-6)  # no overlap
    populations = [
        [f["properties"]["population"] for f in geojson(files[v]["communes"])["features"]]
        for v in (1, 2)
    ]
    assert populations[0] != populations[1]


def test_fleet_is_an_opendocument_spreadsheet(files: Files) -> None:
    sheets = {}
    for variant in (1, 2):
        workbook = CalamineWorkbook.from_path(str(files[variant]["parc-vehicules"]))
        assert workbook.sheet_names == ["Parc 2024"]
        sheets[variant] = workbook.get_sheet_by_name("Parc 2024").to_python()
    header, *rows = sheets[1]
    assert header[0] == "Immatriculation" and "Énergie" in header
    plates = [str(r[0]) for r in rows]
    assert len(set(plates)) == len(plates)
    assert all(re.fullmatch(r"[A-Z]{2}-\d{3}-[A-Z]{2}|\d{4} [A-Z]{2} 01", p) for p in plates)
    assert [r[6] for r in rows].count("NC") == 1
    registered = [r[5] for r in rows]
    assert sum(isinstance(d, str) for d in registered) == 1  # a date typed as text
    assert all(r[9] in INSEE_CODES for r in rows)
    second = sheets[2][1:]
    assert "NC" not in [r[6] for r in second]
    assert sum(r[10] == "Vendu en 2024" for r in rows) == 2
    assert sum(r[10] == "Vendu en 2024" for r in second) == 0
    assert sum(r[10] == "Livré en décembre 2024" for r in second) == 3


def test_nursery_applications_hold_no_names(files: Files) -> None:
    first = csv_rows(files[1]["demandes-places-creche"], "utf-8", ";")
    second = csv_rows(files[2]["demandes-places-creche"], "utf-8", ";")
    assert (len(first), len(second)) == (520, 900) and second[:520] == first
    assert {r["code_insee_residence"] for r in second} <= set(INSEE_CODES)
    files_numbers = [r["numero_dossier"] for r in second]
    assert len(set(files_numbers)) == len(files_numbers)
    assert any(r["date_naissance_enfant"] == "" for r in first)  # not yet born
    assert any(r["quotient_familial"] == "" for r in first)  # consultation refused
    admitted = [int(r["score"]) for r in first if r["decision"] == "place attribuée"]
    waiting = [int(r["score"]) for r in first if r["decision"] == "liste d'attente"]
    assert len(admitted) == round(520 * 0.45) and min(admitted) >= max(waiting)
