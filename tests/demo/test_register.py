"""The demo's RGPD register: sheets the register's own rules accept, linked to demo datasets."""

from __future__ import annotations

import pytest

from socle.demo import demo_datasets
from socle.demo.register import ACTIVITIES, CONTACTS, DPIA_STEPS, DemoActivity
from socle.governance.register import assess, parse_fields, parse_settings

DATASETS = {d.slug: d for d in demo_datasets()}


@pytest.mark.parametrize("activity", ACTIVITIES, ids=lambda a: a.slug)
def test_sheets_are_valid(activity: DemoActivity) -> None:
    fields = parse_fields(activity.fields)
    assert fields.name and fields.purpose and fields.legal_basis and fields.data_categories
    assert all(DATASETS[slug].access != "public" for slug in activity.datasets)


def test_every_personal_dataset_is_in_the_register() -> None:
    linked = {slug for a in ACTIVITIES for slug in a.datasets}
    assert {d.slug for d in DATASETS.values() if d.personal_data} <= linked


def test_one_dpia_in_progress_where_one_is_required() -> None:
    [creche] = [a for a in ACTIVITIES if a.dpia is not None]
    assert creche.dpia == "in_progress" and creche.dpia in DPIA_STEPS
    assert assess(creche.fields["dpia_criteria"], []).required
    others = [a for a in ACTIVITIES if a.dpia is None]
    assert not any(assess(a.fields.get("dpia_criteria", []), []).required for a in others)


def test_contacts_are_valid() -> None:
    assert parse_settings(CONTACTS).dpo_email == "dpo@val-de-lumiere.example"
