"""The demo's algorithm register: complete entries citing demo datasets."""

from __future__ import annotations

import pytest

from socle.demo import demo_datasets
from socle.demo.algorithms import ALGORITHMS, DemoAlgorithm
from socle.governance.algorithms.fields import missing_for_publication, parse_content


@pytest.mark.parametrize("entry", ALGORITHMS, ids=lambda a: a.slug)
def test_entries_are_complete(entry: DemoAlgorithm) -> None:
    content = parse_content(entry.content)
    assert missing_for_publication(content) == []
    assert content["parameters"] and content["kind"] == "rules"
    assert set(entry.datasets) <= {d.slug for d in demo_datasets()}


def test_a_decision_aid_and_a_fully_automated_decision() -> None:
    assert sorted(a.content["automation"] for a in ALGORITHMS) == ["aid", "full"]
