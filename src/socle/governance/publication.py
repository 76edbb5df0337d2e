"""Rules on a dataset's access level that no role may bypass, checked on every edit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from socle.core.vocabularies import AccessLevel
from socle.errors import InputError
from socle.governance.anonymisation.lineage import publishable_output
from socle.storage.register import processing_datasets
from socle.storage.tables import Dataset


def check_publication(dataset: Dataset) -> None:
    """Refuse a dataset flagged as personal data at level ``public``, or beyond
    ``restricted`` while it is linked to no processing activity of the RGPD register —
    unless its latest version is the output of an anonymisation run that met its thresholds
    (its lineage): anonymised data is no longer personal data."""
    if (
        not dataset.personal_data
        or dataset.access == AccessLevel.RESTRICTED
        or publishable_output(dataset)
    ):
        return
    if dataset.access == AccessLevel.PUBLIC:
        raise InputError(
            f"« {dataset.slug} » contient des données personnelles : il ne peut pas être "
            "publié en accès public (choisissez partners, internal ou restricted, ou publiez "
            "une version anonymisée)"
        )
    if not _in_register(dataset):
        raise InputError(
            f"« {dataset.slug} » contient des données personnelles : avant de l'ouvrir au "
            f"niveau {dataset.access}, rattachez-le à un traitement du registre RGPD "
            f"(socle register link-dataset TRAITEMENT {dataset.slug}, ou la fiche du "
            "traitement sur le portail) ; sans traitement, il reste au niveau restricted"
        )


def _in_register(dataset: Dataset) -> bool:
    """Whether the dataset is linked to a processing activity (read in its own session)."""
    session = object_session(dataset)
    if session is None or dataset.id is None:
        return False
    link = select(processing_datasets.c.activity_id).where(
        processing_datasets.c.dataset_id == dataset.id
    )
    return session.scalar(link.limit(1)) is not None
