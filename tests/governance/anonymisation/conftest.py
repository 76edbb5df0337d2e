"""A generated population (personal data) in an instance, and recipes written to files."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from socle.config import Settings
from socle.core.metadata import DatasetMetadata
from socle.core.organizations import create_organization
from socle.core.versions import add_version
from socle.governance.policy import ADMIN
from socle.governance.register.activities import create_activity, link_dataset
from socle.governance.register.fields import parse_fields
from socle.instance import Instance, open_instance
from tests.conftest import postgres_database

KEY = "clé-de-test-0123456789abcdef"
PEOPLE = 20_000
POSTAL_CODES = [
    "01000", "01090", "01100", "01300", "01500", "69001", "69100", "38000", "20000",
    "20200", "97100", "97400", "75015", "13001",
]  # fmt: skip
DIAGNOSES = ["asthme", "diabète", "grippe", "hypertension", "migraine", "fracture"]
TODAY = date(2026, 1, 1)


def population(count: int = PEOPLE, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        born = TODAY - timedelta(days=rng.randrange(0, 95 * 365))
        rows.append(
            {
                "id_patient": f"P{n:06d}",
                "nom": f"Nom{rng.randrange(10**6)}",
                "age": (TODAY - born).days // 365,
                "sexe": rng.choice("FM"),
                "code_postal": rng.choice(POSTAL_CODES),
                "date_naissance": born.isoformat(),
                "diagnostic": rng.choice(DIAGNOSES),
                "montant": rng.randrange(10, 500),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def people() -> list[dict[str, Any]]:
    return population()


def _with_patients(inst: Instance, folder: Path, people: list[dict[str, Any]]) -> Instance:
    """``patients`` in the register of its organization, as personal data must be: outputs
    that stay personal data inherit its processing activity."""
    create_organization(inst, "hopital", "Centre hospitalier")
    metadata = DatasetMetadata(title="Patients", access="restricted", personal_data=True)
    csv_file = write_csv(folder / "patients.csv", people)
    add_version(inst, ADMIN, csv_file, "patients", organization="hopital", metadata=metadata)
    create_activity(inst, ADMIN, "hopital", "soins", parse_fields({"name": "Suivi des soins"}))
    link_dataset(inst, ADMIN, "soins", "patients")
    return inst


@pytest.fixture
def home(tmp_path: Path, people: list[dict[str, Any]]) -> Iterator[Instance]:
    """An instance holding ``patients``: restricted, flagged as personal data."""
    inst = open_instance(Settings(home=tmp_path / "home", pseudonymisation_key=KEY))
    yield _with_patients(inst, tmp_path, people)
    inst.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_home(
    request: pytest.FixtureRequest, tmp_path: Path, people: list[dict[str, Any]]
) -> Iterator[Instance]:
    """The same on each metadata backend."""
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        settings = Settings(home=tmp_path / "home", database_url=url, pseudonymisation_key=KEY)
        inst = open_instance(settings)
        yield _with_patients(inst, tmp_path, people)
        inst.close()


@pytest.fixture
def recipe_file(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(document: dict[str, Any], name: str = "recette.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        return path

    return write


def recipe(slug: str = "patients-anonymises", **extra: Any) -> dict[str, Any]:
    """The usual recipe over ``patients``; ``extra`` replaces or adds top-level keys."""
    document: dict[str, Any] = {
        "source": {"dataset": "patients"},
        "output": {"dataset": slug, "title": "Patients (anonymisé)"},
        "steps": [
            {"step": "drop", "columns": ["nom", "id_patient"]},
            {"step": "generalise_date", "column": "date_naissance", "to": "year"},
            {"step": "generalise_age", "column": "age", "width": 10},
            {"step": "generalise_postal_code", "column": "code_postal"},
        ],
        "k_anonymity": {
            "quasi_identifiers": ["age", "sexe", "code_postal", "date_naissance"],
            "k": 5,
        },
        "l_diversity": {"sensitive": ["diagnostic"], "l": 2},
    }
    document.update(extra)
    return document
