"""Quality of every version: validated as it lands, profiled, scored, drift flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from socle.core import quality, schemas
from socle.core.catalog import update_dataset
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version, rollback
from socle.errors import NotFoundError
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance
from socle.quality.score import DataFacts, MetadataFacts, score

SCHEMA = {
    "name": "comptages",
    "version": "1.0",
    "fields": [
        {"name": "identifiant", "type": "string", "constraints": {"required": True}},
        {"name": "code_insee", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
        {"name": "comptage", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["identifiant"],
}
GOOD = "identifiant;code_insee;comptage\nC1;01053;4\nC2;01289;7\nC3;01451;0\n"
BAD = "identifiant;code_insee;comptage\nC1;1053;4\n;01289;douze\nC1;01451;-3\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_version_is_validated_against_its_pinned_schema(
    any_instance: Instance, tmp_path: Path
) -> None:
    schemas.add_schema(any_instance, ADMIN, SCHEMA, "comptages.json")
    good = add_version(
        any_instance, ADMIN, write(tmp_path, "a.csv", GOOD), "comptages", schema="comptages"
    )
    assert good.quality["valid"] is True and good.quality["errors"] == 0
    assert good.quality["schema"] == {"name": "comptages", "version": "1.0", "url": None}
    # The pin stays: the next version is validated without naming the schema again.
    bad = add_version(any_instance, ADMIN, write(tmp_path, "b.csv", BAD), "comptages")
    assert bad.quality["valid"] is False
    assert bad.quality["errorCounts"] == {
        "constraint-error": 3,  # pattern 1053, required '', minimum -3
        "type-error": 1,  # douze
        "primary-key": 2,  # C1 twice, and an empty key
    }
    view = quality.quality_view(any_instance, ADMIN, "comptages")
    errors = view["report"]["tasks"][0]["errors"]
    located = {(e["type"], e["rowNumber"], e.get("fieldName")) for e in errors if "rowNumber" in e}
    assert located >= {
        ("constraint-error", 2, "code_insee"),
        ("type-error", 3, "comptage"),
        ("constraint-error", 4, "comptage"),
    }
    assert [h["errors"] for h in view["history"]] == [0, 6]
    assert view["history"][0]["score"] > view["history"][1]["score"]
    assert view["score"]["parts"]["validity"]["score"] < 100
    first = quality.quality_view(any_instance, ADMIN, "comptages", 1)
    assert first["valid"] is True and first["version"] == 1


def test_without_a_schema_drift_between_versions_is_flagged(
    instance: Instance, tmp_path: Path
) -> None:
    add_version(instance, ADMIN, write(tmp_path, "a.csv", GOOD), "comptages")
    changed = "identifiant;comptage;mode\nC1;quatre;vélo\n"
    version = add_version(instance, ADMIN, write(tmp_path, "b.csv", changed), "comptages")
    assert version.quality["schema"] is None and version.quality["valid"] is None
    assert version.quality["drift"] == {
        "added": ["mode"],
        "removed": ["code_insee"],
        "retyped": {"comptage": {"before": "integer", "after": "string"}},
    }
    view = quality.quality_view(instance, ADMIN, "comptages")
    assert view["report"] is None
    assert view["score"]["parts"]["validity"]["score"] is None
    assert "aucun schéma" in view["score"]["parts"]["validity"]["detail"]


def test_profile_and_facts_are_stored_with_the_version(instance: Instance, tmp_path: Path) -> None:
    text = "identifiant;code_insee;comptage\nC1;01053;4\nC1;01053;4\nC2;;7\n"
    add_version(instance, ADMIN, write(tmp_path, "a.csv", text), "comptages")
    view = quality.quality_view(instance, ADMIN, "comptages")
    fields = {f["name"]: f for f in view["profile"]["fields"]}
    assert view["profile"]["rows"] == 3
    assert fields["code_insee"]["nulls"] == 1
    parts = view["score"]["parts"]
    assert "1 ligne(s) en double" in parts["uniqueness"]["detail"]
    assert "1 cellule(s) vide(s) sur 9" in parts["completeness"]["detail"]


def test_rollback_keeps_the_report_of_the_version_it_restores(
    instance: Instance, tmp_path: Path
) -> None:
    schemas.add_schema(instance, ADMIN, SCHEMA, "comptages.json")
    add_version(instance, ADMIN, write(tmp_path, "a.csv", GOOD), "comptages", schema="comptages")
    add_version(instance, ADMIN, write(tmp_path, "b.csv", BAD), "comptages")
    restored = rollback(instance, ADMIN, "comptages", 1)
    assert restored.quality["valid"] is True
    view = quality.quality_view(instance, ADMIN, "comptages")
    assert view["report"]["valid"] is True and view["version"] == 3


def test_foreign_keys_resolve_to_catalog_datasets_the_writer_can_read(
    instance: Instance, tmp_path: Path
) -> None:
    communes = "code_insee;nom\n01053;Bourg-en-Bresse\n01289;Péronnas\n"
    add_version(instance, ADMIN, write(tmp_path, "communes.csv", communes), "communes")
    with_fk = {
        **SCHEMA,
        "name": "comptages-fk",
        "foreignKeys": [
            {
                "fields": "code_insee",
                "reference": {"resource": "communes", "fields": "code_insee"},
            }
        ],
    }
    schemas.add_schema(instance, ADMIN, with_fk, "fk.json")
    version = add_version(
        instance, ADMIN, write(tmp_path, "a.csv", GOOD), "comptages", schema="comptages-fk"
    )
    assert version.quality["errorCounts"] == {"foreign-key": 1}  # 01451 is not in communes


def test_the_quality_view_goes_through_the_policy(instance: Instance, tmp_path: Path) -> None:
    add_version(instance, ADMIN, write(tmp_path, "a.csv", GOOD), "interne")
    with pytest.raises(NotFoundError):
        quality.quality_view(instance, ANONYMOUS, "interne")
    with pytest.raises(NotFoundError, match="version 9"):
        quality.quality_view(instance, ADMIN, "interne", 9)


def test_metadata_changes_move_the_current_score(instance: Instance, tmp_path: Path) -> None:
    add_version(instance, ADMIN, write(tmp_path, "a.csv", GOOD), "comptages")
    before = quality.quality_view(instance, ADMIN, "comptages")["score"]
    update_dataset(
        instance,
        ADMIN,
        "comptages",
        parse_metadata(
            title="Comptages des vélos",
            description="Comptages horaires des capteurs de l'agglomération, depuis 2020.",
            licence="lov2",
            contact_email="donnees@agglo.fr",
            frequency="DAILY",
            spatial=["01053"],
        ),
    )
    after = quality.quality_view(instance, ADMIN, "comptages")["score"]
    assert after["parts"]["metadata"]["score"] > before["parts"]["metadata"]["score"]
    assert after["parts"]["freshness"]["score"] == 100  # landed today, expected daily
    assert before["parts"]["freshness"]["score"] is None


FACTS = DataFacts(
    rows=100,
    schema_errors=None,
    required_cells=300,
    missing_required_cells=0,
    duplicate_rows=0,
    duplicate_keys=None,
)
META = MetadataFacts(
    slug="x",
    title="Titre",
    description="Une description assez longue pour compter ici.",
    licence="lov2",
    contact=True,
    frequency="MONTHLY",
    spatial=True,
    temporal=True,
)
NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age_days", "expected"), [(0, 100), (31, 100), (62, 50), (93, 0), (400, 0)]
)
def test_freshness_decreases_after_one_period_and_is_gone_after_three(
    age_days: int, expected: int
) -> None:
    result = score(FACTS, META, NOW - timedelta(days=age_days), NOW)
    assert result["parts"]["freshness"]["score"] == expected


def test_unmeasured_parts_are_left_out_not_counted_as_zero() -> None:
    perfect = score(FACTS, META, NOW, NOW)
    assert perfect["score"] == 100  # validity unmeasured: the other parts carry the weight
    broken = score(FACTS.__class__(**{**FACTS.__dict__, "schema_errors": 50}), META, NOW, NOW)
    assert broken["parts"]["validity"]["score"] == 50
    assert broken["score"] == round((50 * 35 + 100 * 65) / 100)
