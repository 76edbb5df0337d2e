"""The schema registry: import, versions, references, pins — on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from socle.core import schemas
from socle.core.metadata import parse_metadata
from socle.core.versions import add_version
from socle.errors import ConflictError, InputError, InvalidSchemaError, NotFoundError
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance

COUNTERS = {
    "name": "comptages-velos",
    "title": "Comptages vélos",
    "version": "v1.0.0",
    "fields": [
        {"name": "identifiant", "type": "string", "constraints": {"required": True}},
        {"name": "code_insee", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
        {"name": "comptage", "type": "integer", "constraints": {"minimum": 0}},
    ],
}


def test_add_list_show_and_versions(any_instance: Instance) -> None:
    first, created = schemas.add_schema(any_instance, ADMIN, COUNTERS, "comptages.json")
    assert created and (first.name, first.version) == ("comptages-velos", "1.0.0")
    again, created = schemas.add_schema(any_instance, ADMIN, COUNTERS, "comptages.json")
    assert not created and again.id == first.id  # importing twice is a no-op
    newer = copy.deepcopy(COUNTERS) | {"version": "1.10.0"}
    newer["fields"].append({"name": "mode", "type": "string"})
    schemas.add_schema(any_instance, ADMIN, newer, "https://example.org/schema.json")
    older = copy.deepcopy(COUNTERS) | {"version": "1.9.0"}
    schemas.add_schema(any_instance, ADMIN, older, "comptages-1.9.json")
    assert [r.version for r in schemas.list_schemas(any_instance)] == ["1.10.0", "1.9.0", "1.0.0"]
    latest = schemas.get_schema(any_instance, "comptages-velos")
    assert latest.version == "1.10.0"  # numeric order, not import order nor text order
    assert latest.url == "https://example.org/schema.json"
    assert schemas.get_schema(any_instance, "comptages-velos@1.0.0").id == first.id
    with pytest.raises(NotFoundError, match="comptages-velos@9"):
        schemas.get_schema(any_instance, "comptages-velos@9")


def test_same_version_with_other_content_is_a_conflict(any_instance: Instance) -> None:
    schemas.add_schema(any_instance, ADMIN, COUNTERS, "a.json")
    changed = copy.deepcopy(COUNTERS)
    changed["fields"][2]["type"] = "number"
    with pytest.raises(ConflictError, match="--version"):
        schemas.add_schema(any_instance, ADMIN, changed, "a.json")
    record, created = schemas.add_schema(any_instance, ADMIN, changed, "a.json", version="1.0.1")
    assert created and record.version == "1.0.1"


def test_schemas_without_name_or_version_get_them_from_the_file_and_order(
    instance: Instance,
) -> None:
    bare = {"fields": [{"name": "a", "type": "string"}]}
    one, _ = schemas.add_schema(instance, ADMIN, bare, "Lieux de Covoiturage.json")
    two, _ = schemas.add_schema(
        instance, ADMIN, {"fields": [{"name": "b"}]}, "lieux-de-covoiturage.json"
    )
    assert (one.name, one.version) == ("lieux-de-covoiturage", "1")
    assert (two.name, two.version) == ("lieux-de-covoiturage", "2")


@pytest.mark.parametrize(
    ("descriptor", "error"),
    [
        ({"title": "sans champs"}, InvalidSchemaError),
        ({"$schema": "x", "properties": {}}, InvalidSchemaError),
        ({"fields": [{"name": "a", "type": "entier"}]}, InvalidSchemaError),
    ],
)
def test_unusable_schemas_are_refused_with_a_reason(
    instance: Instance, descriptor: dict, error: type[Exception]
) -> None:
    with pytest.raises(error):
        schemas.add_schema(instance, ADMIN, descriptor, "x.json")
    assert schemas.list_schemas(instance) == []


def test_only_an_administrator_adds_schemas(instance: Instance) -> None:
    with pytest.raises(InputError, match="administrateur"):
        schemas.add_schema(instance, ANONYMOUS, COUNTERS, "a.json")


@pytest.mark.parametrize("reference", ["", "Avec Espace", "nom@", "a@b c", "../etc"])
def test_bad_references_are_input_errors(instance: Instance, reference: str) -> None:
    with pytest.raises(InputError, match="invalide"):
        schemas.SchemaRef.parse(reference)


def test_pins_and_the_datasets_that_conform(instance: Instance, tmp_path: Path) -> None:
    record, _ = schemas.add_schema(instance, ADMIN, COUNTERS, "a.json")
    source = tmp_path / "c.csv"
    source.write_text("identifiant;code_insee;comptage\nC1;01053;4\n", encoding="utf-8")
    add_version(
        instance,
        ADMIN,
        source,
        "publics",
        metadata=parse_metadata(title="Publics", access="public"),
        schema="comptages-velos",
    )
    add_version(instance, ADMIN, source, "internes", schema="comptages-velos@1.0.0")
    assert [d.slug for d in schemas.conforming_datasets(instance, ADMIN, record)] == [
        "internes",
        "publics",
    ]
    # The listing goes through the policy: anonymous visitors see only the public one.
    assert [d.slug for d in schemas.conforming_datasets(instance, ANONYMOUS, record)] == ["publics"]
    schemas.pin_schema(instance, ADMIN, "internes", None)
    assert [d.slug for d in schemas.conforming_datasets(instance, ADMIN, record)] == ["publics"]
    with pytest.raises(NotFoundError):
        schemas.pin_schema(instance, ANONYMOUS, "internes", "comptages-velos")


def test_real_schema_data_gouv_fr_schemas_register(instance: Instance, shared_data: Path) -> None:
    """Every published Table Schema in the shared data imports, JSON Schemas are refused."""
    imported = []
    for path in sorted((shared_data / "schemas").glob("*/schema.json")):
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        if "fields" not in descriptor:
            with pytest.raises(InvalidSchemaError, match="JSON Schema"):
                schemas.add_schema(instance, ADMIN, descriptor, path.parent.name + ".json")
            continue
        record, created = schemas.add_schema(
            instance, ADMIN, descriptor, path.parent.name + ".json"
        )
        assert created
        imported.append(f"{record.name}@{record.version}")
    assert "schema-irve-statique@2.3.0" in imported
    assert "dae@1.0.0" in imported  # uppercase DAE repaired by the compatibility layer
    dae = schemas.get_schema(instance, "dae")
    assert any("minuscules" in w for w in dae.warnings)
    assert len(imported) >= 18
