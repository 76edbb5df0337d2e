"""Rules on a dataset's access level that no role may bypass, checked on every edit."""

from __future__ import annotations

from socle.core.vocabularies import AccessLevel
from socle.errors import InputError
from socle.governance.anonymisation.lineage import publishable_output
from socle.storage.tables import Dataset


def check_publication(dataset: Dataset) -> None:
    """Refuse a dataset flagged as personal data at level ``public``, unless its latest
    version is the output of an anonymisation run that met its thresholds (its lineage)."""
    if (
        dataset.personal_data
        and dataset.access == AccessLevel.PUBLIC
        and not publishable_output(dataset)
    ):
        raise InputError(
            f"« {dataset.slug} » contient des données personnelles : il ne peut pas être "
            "publié en accès public (choisissez partners, internal ou restricted, ou publiez "
            "une version anonymisée)"
        )
