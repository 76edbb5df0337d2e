"""The demo catalog: every dataset described with the platform's vocabularies."""

from __future__ import annotations

import pytest

from socle.core.metadata import check_slug
from socle.core.vocabularies import FREQUENCIES, LICENCES, THEMES, AccessLevel
from socle.demo import DemoDataset, demo_datasets
from socle.demo.territory import INSEE_CODES

DATASETS = demo_datasets()


def test_enough_datasets_mostly_public() -> None:
    access = [d.access for d in DATASETS]
    assert len(DATASETS) >= 8
    assert 1 <= access.count("internal") <= 2
    assert access.count("restricted") == 1
    assert access.count("public") == len(DATASETS) - 1 - access.count("internal")


def test_personal_data_is_restricted() -> None:
    personal = [d for d in DATASETS if d.personal_data]
    assert [d.access for d in personal] == ["restricted"]
    assert personal[0].metadata().personal_data is True


def test_slugs_and_filenames_are_unique() -> None:
    assert len({d.slug for d in DATASETS}) == len(DATASETS)
    assert len({d.filename for d in DATASETS}) == len(DATASETS)


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.slug)
def test_metadata_uses_the_vocabularies(dataset: DemoDataset) -> None:
    assert check_slug(dataset.slug) == dataset.slug
    assert dataset.themes and set(dataset.themes) <= set(THEMES)
    assert dataset.licence in LICENCES
    assert dataset.frequency in FREQUENCIES
    assert dataset.access in {a.value for a in AccessLevel}
    assert dataset.spatial and set(dataset.spatial) <= set(INSEE_CODES)
    if dataset.temporal_start or dataset.temporal_end:
        assert dataset.temporal_start and dataset.temporal_end
        assert dataset.temporal_start <= dataset.temporal_end
    dataset.metadata()  # the platform's own checks accept it


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.slug)
def test_descriptions_read_like_a_catalog(dataset: DemoDataset) -> None:
    sentences = [s for s in dataset.description.replace("\n", " ").split(". ") if s.strip()]
    assert 2 <= len(sentences) <= 5
    assert dataset.keywords and dataset.known_issues
    assert dataset.contact_name and dataset.contact_email.endswith("@val-de-lumiere.example")
