"""Loading the demo into an instance: two versions per dataset, types kept, access enforced,
and the governance the authority declares (registers, agreement, retention)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from socle.core import catalog, versions
from socle.core.agreements import active_on, get_agreement
from socle.core.deliveries import obligations_for
from socle.core.records import read_records
from socle.demo import demo_datasets, demo_organization
from socle.demo.algorithms import ALGORITHMS
from socle.demo.anonymised import OUTPUT
from socle.demo.load import load_demo
from socle.demo.partner import AGREEMENT, PARTNER
from socle.demo.register import ACTIVITIES
from socle.engine.records import RecordQuery
from socle.governance import audit
from socle.governance.algorithms import list_algorithms
from socle.governance.audit import AuditFilters
from socle.governance.policy import ADMIN, ANONYMOUS
from socle.governance.register import assess, get_register
from socle.instance import Instance
from socle.storage.tables import AuditEntry


@pytest.mark.slow
def test_load_demo_twice(instance: Instance) -> None:
    loaded = load_demo(instance)
    assert len(loaded) == len(demo_datasets()) >= 8
    assert load_demo(instance) == []  # already there: nothing to do
    for dataset in demo_datasets():
        assert [v.number for v in versions.list_versions(instance, ADMIN, dataset.slug)] == [2, 1]
    public = catalog.search(instance, ANONYMOUS, page_size=100)
    published = [d.slug for d in demo_datasets() if d.access == "public"] + [OUTPUT]
    assert sorted(e.dataset.slug for e in public.entries) == sorted(published)

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


@pytest.mark.slow
def test_load_demo_declares_its_governance(instance: Instance) -> None:
    load_demo(instance)
    org = demo_organization().slug
    with instance.db.session() as session:
        written = session.scalar(select(func.count()).select_from(AuditEntry))
    assert load_demo(instance) == []
    with instance.db.session() as session:  # loading again writes nothing
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == written

    published = get_register(instance, ANONYMOUS, org)
    assert published.settings.published and not published.kept
    activities = {a.slug: a for a in published.activities}
    assert set(activities) == {a.slug for a in ACTIVITIES}
    linked = {d.slug for a in activities.values() for d in a.datasets}
    personal = {"subventions-associations", "parc-vehicules", "demandes-places-creche"}
    assert linked == personal | {OUTPUT}  # the aggregate inherits its source's activity
    creche = activities["places-en-creche"]
    assert creche.dpia_status == "in_progress"
    assert assess(creche.dpia_criteria, creche.dpia_cnil_types).required

    public = list_algorithms(instance, ANONYMOUS)
    assert [e.algorithm.status for e in public] == ["published"] * len(ALGORITHMS)
    assert {"equipements-publics", "communes"} <= {d.slug for e in public for d in e.datasets}

    agreement = get_agreement(instance, ADMIN, AGREEMENT)
    assert agreement.partner.slug == PARTNER.slug and active_on(agreement, date(2026, 1, 1))
    [row] = obligations_for(instance, agreement, today=date(2025, 6, 1))
    assert row.status == "on_time" and row.next_due_on == date(2026, 1, 31)
    assert row.latest is not None and row.latest.valid and row.latest.version.number == 2
    assert obligations_for(instance, agreement, today=date(2026, 2, 1))[0].status == "missing"

    aggregate = catalog.get_entry(instance, ANONYMOUS, OUTPUT)
    assert aggregate.dataset.personal_data  # its source's flag, opened by its lineage
    counts = read_records(instance, ANONYMOUS, OUTPUT, RecordQuery(limit=100)).results
    assert counts and min(r["demandes"] for r in counts) >= 11  # statistical secrecy
    assert sum(r["demandes"] for r in counts) < 900  # small cells suppressed

    subsidies = catalog.get_entry(instance, ADMIN, "subventions-associations")
    assert subsidies.dataset.retention == {"period": "P10Y", "date_column": "dateConvention"}

    logged = audit.search(instance.db, ADMIN, AuditFilters(), page_size=200).entries
    actions = {e.action for e in logged}
    assert {"write/register", "write/algorithm", "write/agreement", "write/delivery"} <= actions
