"""Loading the demo into an instance: two versions per dataset, types kept, access enforced."""

from __future__ import annotations

import pytest

from socle.core import catalog, versions
from socle.demo import demo_datasets
from socle.demo.load import load_demo
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.instance import Instance


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

    energy = catalog.get_entry(instance, ADMIN, "consommations-energie-batiments")
    assert energy.latest is not None
    fields = {f["name"]: f["type"] for f in energy.latest.table_schema["fields"]}
    assert fields["Code INSEE"] == "string"  # "01053" beside the number 1065
    air = catalog.get_entry(instance, ADMIN, "qualite-air")
    assert air.latest is not None
    assert "station.localisation.latitude" in {f["name"] for f in air.latest.table_schema["fields"]}
