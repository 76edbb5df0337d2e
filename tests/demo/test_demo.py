"""The demo territory: deterministic, in the formats authorities really receive, loadable."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from socle.core import catalog, versions
from socle.core.metadata import parse_metadata
from socle.demo import demo_datasets, demo_organization, write_demo_files
from socle.demo.load import load_demo
from socle.demo.territory import COMMUNES, luhn_valid
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Path]]:
    root = tmp_path_factory.mktemp("demo")
    return {v: write_demo_files(root / str(v), v) for v in (1, 2)}


def digest(path: Path) -> str:
    """SHA-256 of the file, or of its cells for a workbook (openpyxl stamps the save time)."""
    if path.suffix == ".xlsx":
        cells = list(load_workbook(path).active.values)  # type: ignore[union-attr]
        return hashlib.sha256(repr(cells).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generation_is_deterministic(files: dict[int, dict[str, Path]], tmp_path: Path) -> None:
    again = write_demo_files(tmp_path, 1)
    assert {s: digest(p) for s, p in again.items()} == {s: digest(p) for s, p in files[1].items()}


def test_second_delivery_differs(files: dict[int, dict[str, Path]]) -> None:
    assert all(digest(files[1][s]) != digest(files[2][s]) for s in files[1])


def test_counters_are_a_big_windows_1252_csv(files: dict[int, dict[str, Path]]) -> None:
    raw = files[1]["comptages-velos-voitures"].read_bytes()
    text = raw.decode("cp1252")
    assert "Rue Édouard Herriot" in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = text.splitlines()
    assert len(lines) - 1 >= 150_000
    assert lines[1].split(";")[2] == "01053"


def test_lighting_is_in_lambert_93(files: dict[int, dict[str, Path]]) -> None:
    document = json.loads(files[1]["eclairage-public"].read_text(encoding="utf-8"))
    assert "2154" in document["crs"]["properties"]["name"]
    x, y = document["features"][0]["geometry"]["coordinates"]
    assert 840_000 < x < 900_000 and 6_540_000 < y < 6_600_000


def test_codes_and_sirets(files: dict[int, dict[str, Path]]) -> None:
    assert luhn_valid(demo_organization().siren)
    assert all(c.insee.startswith("01") and len(c.insee) == 5 for c in COMMUNES)
    subsidies = files[1]["subventions-associations"].read_bytes()
    assert subsidies.startswith(b"\xef\xbb\xbf")
    rows = [line.split(";") for line in subsidies.decode("utf-8-sig").splitlines()[1:]]
    broken = [r[5] for r in rows if not luhn_valid(r[5])]
    assert len(broken) == 1  # the one deliberate mistake


def test_metadata_is_valid() -> None:
    for dataset in demo_datasets():
        parse_metadata(
            title=dataset.title,
            themes=dataset.themes,
            licence=dataset.licence,
            access=dataset.access,
            frequency=dataset.frequency,
            spatial=dataset.spatial,
        )
    assert {d.access for d in demo_datasets()} == {"public", "internal"}


@pytest.mark.slow
def test_load_demo_twice(instance: Instance) -> None:
    loaded = load_demo(instance)
    assert len(loaded) == len(demo_datasets()) >= 8
    assert load_demo(instance) == []  # already there: nothing to do
    for dataset in demo_datasets():
        assert [v.number for v in versions.list_versions(instance, ADMIN, dataset.slug)] == [2, 1]
    public = catalog.search(instance, ANONYMOUS, page_size=100)
    assert public.total_count == len([d for d in demo_datasets() if d.access == "public"])
    counters = catalog.get_entry(instance, ANONYMOUS, "comptages-velos-voitures")
    assert counters.latest is not None and counters.latest.row_count > 150_000
    fields = {f["name"]: f["type"] for f in counters.latest.table_schema["fields"]}
    assert fields["code_insee"] == "string"
    assert fields["date_heure"] == "datetime"
    assert fields["comptage"] == "integer"
