"""The issue's k-anonymity test and the run's other promises, on a generated population.

Every property is checked independently of the code under test: the output Parquet is
read with pyarrow and grouped in plain Python.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from socle.config import Settings
from socle.core import catalog, versions
from socle.core.metadata import DatasetMetadata
from socle.errors import InputError, NotFoundError
from socle.governance.anonymisation.run import run_recipe
from socle.governance.policy import ADMIN
from socle.instance import Instance, open_instance
from socle.storage.anonymisation import AnonymisationRun
from socle.storage.tables import AuditEntry, Dataset
from tests.governance.anonymisation.conftest import KEY, recipe, write_csv

Recipe = Callable[..., Path]
QUASI = ("age", "sexe", "code_postal", "date_naissance")


def rows_of(instance: Instance, slug: str) -> list[dict[str, Any]]:
    version = versions.get_version(instance, ADMIN, slug)
    return pq.read_table(versions.data_paths(instance, version)[0]).to_pylist()


def test_output_is_k_anonymous_by_an_independent_group_by(
    home: Instance, recipe_file: Recipe, people: list[dict[str, Any]]
) -> None:
    result = run_recipe(home, ADMIN, recipe_file(recipe()))
    rows = rows_of(home, "patients-anonymises")
    classes = Counter(tuple(row[q] for q in QUASI) for row in rows)
    assert min(classes.values()) >= 5
    report = result.report
    assert report["k_anonymity"]["k_achieved"] == min(classes.values())
    assert report["k_anonymity"]["met"] is True
    assert report["rows_in"] == len(people)
    assert report["k_anonymity"]["rows_suppressed"] == len(people) - len(rows) > 0
    assert report["rows_out"] == len(rows)
    # ℓ: distinct diagnoses per class, counted here.
    diagnoses: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for row in rows:
        diagnoses[tuple(row[q] for q in QUASI)].add(row["diagnostic"])
    l_min = min(len(d) for d in diagnoses.values())
    assert report["l_diversity"]["l_min"] == l_min >= 2
    assert sum(report["l_diversity"]["fields"]["diagnostic"]["classes_by_l"].values()) == len(
        classes
    )
    assert report["publishable"] is True and report["reasons"] == []
    # Direct identifiers gone; generalisations applied.
    assert set(rows[0]) == {"age", "sexe", "code_postal", "date_naissance", "diagnostic", "montant"}
    assert {r["code_postal"] for r in rows} <= {
        "01", "69", "38", "2A", "2B", "971", "974", "75", "13",
    }  # fmt: skip
    assert all(isinstance(r["date_naissance"], int) for r in rows)
    assert {r["age"] for r in rows} <= {f"{a}-{a + 9}" for a in range(0, 100, 10)}


def test_the_output_is_a_new_dataset_with_its_lineage(
    any_home: Instance, recipe_file: Recipe
) -> None:
    home = any_home
    result = run_recipe(home, ADMIN, recipe_file(recipe()))
    assert result.version is not None and result.version.method == "anonymise"
    with home.db.session() as session:
        run = session.scalars(select(AnonymisationRun)).one()
        source = session.scalar(select(Dataset).where(Dataset.slug == "patients"))
        output = session.scalar(select(Dataset).where(Dataset.slug == "patients-anonymises"))
        assert source is not None and output is not None
        assert run.source_dataset_id == source.id and run.source_version == 1
        assert run.output_dataset_id == output.id and run.output_version_id == result.version.id
        assert run.recipe["k_anonymity"]["k"] == 5 and run.report == result.report
        assert output.personal_data is True and output.access == "internal"
        actions = session.scalars(select(AuditEntry.action)).all()
    assert result.version.details["lineage"]["anonymisation_run"] == run.id
    assert "read/anonymise" in actions and "write/anonymise" in actions
    # The source is untouched: one version, still restricted.
    assert [v.number for v in versions.list_versions(home, ADMIN, "patients")] == [1]


def test_pseudonyms_are_a_keyed_hash_stable_per_key(
    home: Instance, recipe_file: Recipe, tmp_path: Path, people: list[dict[str, Any]]
) -> None:
    document = recipe(
        steps=[
            {"step": "drop", "columns": ["nom"]},
            {"step": "pseudonymise", "columns": ["id_patient"]},
        ],
        k_anonymity=None,
        l_diversity=None,
    )
    run_recipe(home, ADMIN, recipe_file(document))
    run_recipe(home, ADMIN, recipe_file({**document, "output": {"dataset": "encore"}}, "b.yaml"))
    first, again = rows_of(home, "patients-anonymises"), rows_of(home, "encore")
    expected = hmac.new(KEY.encode(), people[0]["id_patient"].encode(), hashlib.sha256).hexdigest()
    assert first[0]["id_patient"] == again[0]["id_patient"] == expected
    assert len({r["id_patient"] for r in first}) == len(people)
    other_key = "une-toute-autre-clé-secrète"
    other = open_instance(Settings(home=home.settings.home, pseudonymisation_key=other_key))
    try:
        run_recipe(
            other, ADMIN, recipe_file({**document, "output": {"dataset": "autre"}}, "c.yaml")
        )
        assert rows_of(other, "autre")[0]["id_patient"] != expected
    finally:
        other.close()
    # The keys are in no file of the lake nor in the metadata database.
    for path in [*home.settings.effective_lake_path.rglob("*"), home.settings.home / "socle.db"]:
        if path.is_file():
            data = path.read_bytes()
            for key in (KEY, other_key):
                assert key.encode() not in data, path
                assert key.encode().hex().encode() not in data, path
    # Pseudonymised rows stay personal data: never publishable.
    assert "pseudonymisées" in " ".join(
        run_recipe(home, ADMIN, recipe_file(document)).report["reasons"]
    )


def test_small_counts_are_suppressed_in_an_aggregate(
    home: Instance, recipe_file: Recipe, people: list[dict[str, Any]]
) -> None:
    document = recipe(
        steps=[{"step": "generalise_age", "column": "age", "width": 5}],
        k_anonymity=None,
        l_diversity=None,
        aggregate={"group_by": ["code_postal", "age", "diagnostic"], "sum": ["montant"]},
    )
    report = run_recipe(home, ADMIN, recipe_file(document)).report
    expected: Counter[tuple[str, str, str]] = Counter()
    sums: Counter[tuple[str, str, str]] = Counter()
    for person in people:
        start = person["age"] // 5 * 5
        band = f"{start}-{start + 4}"
        key = (person["code_postal"], band, person["diagnostic"])
        expected[key] += 1
        sums[key] += person["montant"]
    rows = rows_of(home, "patients-anonymises")
    got = {(r["code_postal"], r["age"], r["diagnostic"]): r for r in rows}
    assert set(got) == {k for k, n in expected.items() if n >= 11}
    assert all(got[k]["effectif"] == expected[k] and got[k]["montant"] == sums[k] for k in got)
    small = [k for k, n in expected.items() if n < 11]
    assert small, "the population must have small cells for this test to mean something"
    cells = report["aggregate"]
    assert cells["cells"] == len(expected) and cells["cells_suppressed"] == len(small)
    assert cells["rows_in_suppressed_cells"] == sum(expected[k] for k in small)
    assert report["publishable"] is True


def test_thresholds_unmet_mean_not_publishable_and_public_refused(
    any_home: Instance, recipe_file: Recipe
) -> None:
    home = any_home
    strict = recipe(
        k_anonymity={"quasi_identifiers": list(QUASI), "k": 50, "max_suppression": 0.05},
        l_diversity={"sensitive": ["diagnostic"], "l": 2},
    )
    report = run_recipe(home, ADMIN, recipe_file(strict)).report
    assert report["publishable"] is False
    assert report["k_anonymity"]["met"] is False and report["k_anonymity"]["rows_suppressed"] == 0
    assert "k-anonymat non atteint" in report["reasons"][0]
    public = DatasetMetadata(access="public")
    with pytest.raises(InputError, match="données personnelles"):
        catalog.update_dataset(home, ADMIN, "patients-anonymises", public)
    # Asked for public directly: the run is refused, saying why, and nothing is written.
    wanted = {**strict, "output": {"dataset": "patients-publics", "access": "public"}}
    with pytest.raises(InputError, match="k-anonymat non atteint"):
        run_recipe(home, ADMIN, recipe_file(wanted, "public.yaml"))
    with pytest.raises(NotFoundError):
        versions.get_version(home, ADMIN, "patients-publics")
    # ℓ declared and unmet is enough to refuse too.
    diverse = recipe(l_diversity={"sensitive": ["diagnostic"], "l": 6})
    report = run_recipe(home, ADMIN, recipe_file(diverse)).report
    assert report["publishable"] is False and "ℓ-diversité" in report["reasons"][0]
    # A run that met its thresholds makes the same dataset publishable.
    run_recipe(home, ADMIN, recipe_file(recipe()))
    assert catalog.update_dataset(home, ADMIN, "patients-anonymises", public).access == "public"
    # ...but the personal source itself never is.
    with pytest.raises(InputError, match="données personnelles"):
        catalog.update_dataset(home, ADMIN, "patients", public)


def test_a_public_output_receiving_an_unmet_run_is_refused(
    home: Instance, recipe_file: Recipe
) -> None:
    published = recipe(output={"dataset": "patients-anonymises", "access": "public"})
    run_recipe(home, ADMIN, recipe_file(published))
    strict = {**published, "k_anonymity": {"quasi_identifiers": list(QUASI), "k": 500}}
    strict["k_anonymity"]["max_suppression"] = 0.01
    with pytest.raises(InputError, match="Seuils non atteints"):
        run_recipe(home, ADMIN, recipe_file(strict, "strict.yaml"))
    assert versions.get_version(home, ADMIN, "patients-anonymises").number == 1


def test_only_a_publishable_run_adds_versions_to_a_public_output(
    home: Instance, recipe_file: Recipe, tmp_path: Path, people: list[dict[str, Any]]
) -> None:
    published = recipe(output={"dataset": "patients-anonymises", "access": "public"})
    run_recipe(home, ADMIN, recipe_file(published))
    raw = write_csv(tmp_path / "brut.csv", people[:100])
    with pytest.raises(InputError, match="seule une anonymisation"):
        versions.add_version(home, ADMIN, raw, "patients-anonymises")
    run_recipe(home, ADMIN, recipe_file(published))  # a second publishable run is fine
    with pytest.raises(InputError, match="seule une anonymisation"):
        versions.rollback(home, ADMIN, "patients-anonymises", 1)
    assert versions.get_version(home, ADMIN, "patients-anonymises").number == 2


def test_a_dry_run_writes_nothing_but_is_audited(home: Instance, recipe_file: Recipe) -> None:
    result = run_recipe(home, ADMIN, recipe_file(recipe()), dry_run=True)
    assert result.version is None and result.report["dry_run"] is True
    assert result.report["k_anonymity"]["k_achieved"] >= 5
    with pytest.raises(NotFoundError):
        versions.get_version(home, ADMIN, "patients-anonymises")
    with home.db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "read/anonymise")
        ).one()
        assert entry.details is not None and entry.details["dry_run"] is True
    assert len(list(home.settings.effective_lake_path.glob("**/*.parquet"))) == 1  # the source


def test_without_a_key_pseudonymising_is_refused(
    tmp_path: Path, recipe_file: Recipe, people: list[dict[str, Any]]
) -> None:
    inst = open_instance(Settings(home=tmp_path / "nokey"))
    try:
        versions.add_version(inst, ADMIN, write_csv(tmp_path / "p.csv", people[:50]), "patients")
        document = recipe(steps=[{"step": "pseudonymise", "columns": ["id_patient"]}])
        with pytest.raises(InputError, match="SOCLE_PSEUDONYMISATION_KEY"):
            run_recipe(inst, ADMIN, recipe_file(document))
    finally:
        inst.close()


def test_a_key_file_inside_the_lake_is_refused(tmp_path: Path) -> None:
    from socle.governance.anonymisation.key import load_key

    settings = Settings(home=tmp_path / "h")
    lake = settings.effective_lake_path
    lake.mkdir(parents=True)
    (lake / "cle").write_text("x" * 40)
    with pytest.raises(InputError, match="hors du lac"):
        load_key(Settings(home=tmp_path / "h", pseudonymisation_key_file=lake / "cle"))
    (tmp_path / "cle").write_text("y" * 40 + "\n")
    assert load_key(Settings(home=tmp_path / "h", pseudonymisation_key_file=tmp_path / "cle"))
    with pytest.raises(InputError, match="trop courte"):
        load_key(Settings(home=tmp_path / "h", pseudonymisation_key="court"))


def test_the_key_is_a_secret_of_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socle.config import load_settings

    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    monkeypatch.setenv("SOCLE_PSEUDONYMISATION_KEY", KEY)
    assert load_settings().public_items()["pseudonymisation_key"] == "***"
    assert KEY not in str(load_settings().public_items())
    monkeypatch.delenv("SOCLE_PSEUDONYMISATION_KEY")
    (tmp_path / "socle.toml").write_text(f'pseudonymisation_key = "{KEY}"\n', encoding="utf-8")
    with pytest.raises(InputError, match="environnement seulement"):
        load_settings()
