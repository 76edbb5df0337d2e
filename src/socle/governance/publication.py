"""Rules on a dataset's access level that no role may bypass, checked on every edit."""

from __future__ import annotations

from socle.core.vocabularies import AccessLevel
from socle.errors import InputError
from socle.storage.tables import Dataset


def check_publication(dataset: Dataset) -> None:
    """Refuse a dataset flagged as personal data at level ``public``.

    Hook for issue 5 §6: the output of an anonymisation run that met its thresholds will be
    allowed here, once such runs exist (it will be recognised by its lineage).
    """
    if dataset.personal_data and dataset.access == AccessLevel.PUBLIC:
        raise InputError(
            f"« {dataset.slug} » contient des données personnelles : il ne peut pas être "
            "publié en accès public (choisissez partners, internal ou restricted, ou publiez "
            "une version anonymisée)"
        )
