"""Real files published by French authorities and open-data tools (../shared/data/messy-csv)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from socle.errors import UnreadableFileError
from socle.ingest import read_file

# file -> (rows, {column: type}) checked after ingest
EXPECTED = {
    "collectivites-subventions-scdl/DEP_Nievre_CD58_SUBVENTIONS_2016_LISTE.csv": (
        97,
        {"COLL_SIRET": "string", "ACTE_DATE": "date"},
    ),
    "collectivites-subventions-scdl/DEP_Somme_TB_20180302_DONNEES_CONVENTIONS.csv": (
        41,
        {"nomAttribuant": "string", "montant": "number"},  # a BOM before cp1252 bytes
    ),
    "collectivites-subventions-scdl/DEP_Lot_Subventions_2017_DONNEES.xlsx_pour_exemple.csv": (
        13,
        {"idAttribuant": "string", "montant": "number"},  # quoted line breaks
    ),
    "collectivites-subventions-scdl/SCDL_COM_Poitiers_citoyennete-subventions-directes-"
    "attribuees-aux-associations-2017-ville-de-poiti.csv": (
        562,
        {"COLL_SIRET": "string", "SUB_MONTANT": "number"},  # SIRET written as floats
    ),
    "frictionless-fixtures/table-with-accents.csv": (638, {"Quartier": "string"}),
    "frictionless-fixtures/latin1.csv": (2, {"name": "string"}),
    "frictionless-fixtures/bom.csv": (2, {"id": "string"}),
    "frictionless-fixtures/table.tsv": (3, {"name": "string"}),
    "bal-base-adresse-locale/sample.csv": (15, {"cle_interop": "string", "lat": "number"}),
}


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_real_files_ingest(shared_data: Path, tmp_path: Path, relative: str) -> None:
    rows, types = EXPECTED[relative]
    dest = tmp_path / "out.parquet"
    result = read_file(shared_data / "messy-csv" / relative, dest)
    assert result.row_count == rows
    fields = {f["name"]: f["type"] for f in result.schema["fields"]}
    for name, type_ in types.items():
        assert fields[name] == type_, name
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{dest}')").fetchall() == [(rows,)]


def test_accents_survive_a_cp1252_file(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "messy-csv" / "collectivites-subventions-scdl"
    source = source / "DEP_Nievre_CD58_SUBVENTIONS_2016_LISTE.csv"
    dest = tmp_path / "out.parquet"
    read_file(source, dest)
    names = duckdb.sql(f"SELECT string_agg(COLL_NOM, ' ') FROM read_parquet('{dest}')").fetchall()
    assert "Nièvre" in names[0][0]


@pytest.mark.parametrize(
    "relative", ["frictionless-fixtures/invalid.csv", "frictionless-fixtures/skip-rows.csv"]
)
def test_broken_files_fail_clearly(shared_data: Path, tmp_path: Path, relative: str) -> None:
    with pytest.raises(UnreadableFileError, match="ligne"):
        read_file(shared_data / "messy-csv" / relative, tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()
