"""The catalog's in-memory search index: rebuilt when anything search shows changes, on
both metadata backends, and never a way around the policy."""

from __future__ import annotations

from pathlib import Path

from socle.core.catalog import search, update_dataset
from socle.core.metadata import parse_metadata
from socle.core.organizations import create_organization
from socle.core.search_index import current_index
from socle.core.versions import add_version
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance


def ingest(instance: Instance, tmp_path: Path, slug: str, text: str, **metadata: object) -> None:
    path = tmp_path / f"{slug}.csv"
    path.write_text(text, encoding="utf-8")
    add_version(instance, ADMIN, path, slug, metadata=parse_metadata(**metadata))


def test_index_follows_every_change(any_instance: Instance, tmp_path: Path) -> None:
    ingest(any_instance, tmp_path, "arbres", "espece\nTilleul\n", title="Arbres", access="public")
    first = current_index(any_instance)
    assert current_index(any_instance) is first  # nothing changed: not rebuilt
    assert search(any_instance, ANONYMOUS, q="platanes").total_count == 0

    update_dataset(any_instance, ADMIN, "arbres", parse_metadata(title="Platanes et tilleuls"))
    assert search(any_instance, ANONYMOUS, q="platanes").total_count == 1

    json_file = tmp_path / "arbres.json"
    json_file.write_text('[{"espece": "Platane"}]', encoding="utf-8")
    add_version(any_instance, ADMIN, json_file, "arbres")
    formats = search(any_instance, ANONYMOUS).facets["format"]
    assert [(f.value, f.count) for f in formats] == [("json", 1)]

    create_organization(any_instance, "ville", "Ville de Bourg")
    assert current_index(any_instance) is not first


def test_facets_count_only_the_visible_and_most_frequent_first(
    any_instance: Instance, tmp_path: Path
) -> None:
    for slug, themes, access in (
        ("a", ["TRAN"], "public"),
        ("b", ["TRAN", "ENVI"], "public"),
        ("c", ["ENVI"], "internal"),
        ("d", ["ENVI"], "internal"),
    ):
        ingest(any_instance, tmp_path, slug, "x\n1\n", title=slug, themes=themes, access=access)
    public = search(any_instance, ANONYMOUS).facets["theme"]
    assert [(f.value, f.count) for f in public] == [("TRAN", 2), ("ENVI", 1)]
    everything = search(any_instance, ADMIN).facets["theme"]
    assert [(f.value, f.count) for f in everything] == [("ENVI", 3), ("TRAN", 2)]
    update_dataset(any_instance, ADMIN, "a", parse_metadata(frequency="MONTHLY"))
    [monthly] = search(any_instance, ANONYMOUS).facets["frequency"]
    assert (monthly.value, monthly.label, monthly.count) == ("MONTHLY", "Mensuelle", 1)
    filtered = search(any_instance, ANONYMOUS, filters={"theme": "ENVI"})
    assert [e.dataset.slug for e in filtered.entries] == ["b"]
    assert filtered.facets["theme"][0].label == "Environnement"
