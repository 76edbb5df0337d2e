"""The demo authority's RGPD register of processing activities, published on the portal:
its contacts and three activities holding the data of its internal and personal datasets,
one of them (the crèche places) with its DPIA in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from socle.demo.manifest import MAIL_DOMAIN
from socle.governance.policy import ADMIN
from socle.governance.register import (
    create_activity,
    link_dataset,
    parse_fields,
    parse_settings,
    set_dpia_status,
    update_register,
)
from socle.instance import Instance
from socle.storage.register import ProcessingActivity, ProcessingRegister

ADDRESS = "Hôtel d'agglomération, 3 avenue Arsène d'Arsonval, 01000 Bourg-en-Bresse"
CONTACTS = {
    "controller_name": "Le président de la Communauté d'agglomération du Val de Lumière",
    "controller_address": ADDRESS,
    "controller_email": f"contact@{MAIL_DOMAIN}",
    "controller_phone": "04 74 00 00 00",
    "dpo_name": "Délégué à la protection des données mutualisé du Val de Lumière",
    "dpo_address": ADDRESS,
    "dpo_email": f"dpo@{MAIL_DOMAIN}",
    "dpo_phone": "04 74 00 00 19",
}
# The DPIA workflow's forward path from « à faire » (governance.register.dpia).
DPIA_STEPS = ("in_progress", "dpo_opinion", "validated")
SECURITY = {
    "access_control": "Comptes nominatifs, habilitations par service revues chaque année",
    "traceability": "Journal d'audit de la plateforme de données (lectures et modifications)",
    "backup": "Sauvegarde quotidienne chiffrée, conservée 30 jours, dans un second site",
}


@dataclass(frozen=True)
class DemoActivity:
    """One sheet of the register; ``dpia`` is the DPIA's status, reached step by step."""

    slug: str
    fields: dict[str, Any]
    datasets: tuple[str, ...] = ()
    dpia: str | None = None


ACTIVITIES = (
    DemoActivity(
        slug="subventions-aux-associations",
        datasets=("subventions-associations",),
        fields={
            "name": "Instruction et versement des subventions aux associations",
            "reference": "VDL-FIN-03",
            "service": "Direction des finances",
            "contact_name": "Direction des finances",
            "contact_email": f"finances@{MAIL_DOMAIN}",
            "purpose": (
                "Instruire les demandes de subvention des associations, préparer les "
                "délibérations du conseil communautaire, verser les subventions votées et "
                "publier les données essentielles des conventions (décret n° 2017-779)."
            ),
            "sub_purposes": [
                "Instruction des dossiers de demande",
                "Préparation des délibérations",
                "Versement et contrôle de l'emploi des fonds",
                "Publication en open data des subventions votées",
            ],
            "legal_basis": "public_task",
            "legal_basis_detail": (
                "Code général des collectivités territoriales, art. L1611-4 ; loi n° 2000-321 "
                "du 12 avril 2000, art. 10"
            ),
            "data_subjects": [
                "Représentants légaux des associations",
                "Porteurs de projets des collectifs d'habitants",
            ],
            "data_categories": [
                {
                    "category": "identity",
                    "description": "Nom, prénom, fonction, coordonnées du représentant",
                    "retention": "10 ans après le dernier versement (pièces comptables)",
                },
                {
                    "category": "economic",
                    "description": "Coordonnées bancaires de l'association",
                    "retention": "10 ans après le dernier versement (pièces comptables)",
                },
            ],
            "sources": ["Formulaire Cerfa n° 12156 déposé par l'association"],
            "recipients": [
                "Direction des finances",
                "Élus de la commission vie associative",
                "Trésorerie (comptable public)",
            ],
            "security_measures": SECURITY,
        },
    ),
    DemoActivity(
        slug="gestion-parc-vehicules",
        datasets=("parc-vehicules",),
        fields={
            "name": "Gestion du parc de véhicules de service",
            "reference": "VDL-MOY-07",
            "service": "Garage communautaire",
            "contact_name": "Responsable du garage communautaire",
            "contact_email": f"parc-auto@{MAIL_DOMAIN}",
            "purpose": (
                "Affecter les véhicules de service aux agents, suivre leur entretien, leur "
                "consommation et les infractions routières relevées, et préparer le plan de "
                "verdissement de la flotte."
            ),
            "legal_basis": "legal_obligation",
            "legal_basis_detail": (
                "Code de la route, art. L121-6 (désignation du conducteur) ; code de "
                "l'environnement, art. L224-7 (renouvellement à faibles émissions)"
            ),
            "data_subjects": ["Agents conducteurs de véhicules de service"],
            "data_categories": [
                {
                    "category": "identity",
                    "description": "Nom, prénom, service, numéro de permis de conduire",
                    "retention": "Durée de l'affectation, puis 1 an",
                },
                {
                    "category": "criminal",
                    "description": "Avis de contravention reçus pour un véhicule de service",
                    "retention": "45 jours après la désignation du conducteur",
                },
            ],
            "sources": ["Service des ressources humaines", "Agence nationale (ANTAI)"],
            "recipients": ["Garage communautaire", "ANTAI (désignation du conducteur)"],
            "security_measures": SECURITY,
            "dpia_criteria": ["vulnerable_subjects"],
        },
    ),
    DemoActivity(
        slug="places-en-creche",
        datasets=("demandes-places-creche",),
        dpia="in_progress",
        fields={
            "name": "Inscriptions en crèche et attribution des places",
            "reference": "VDL-PE-01",
            "service": "Direction de la petite enfance",
            "contact_name": "Relais petite enfance",
            "contact_email": f"petite-enfance@{MAIL_DOMAIN}",
            "purpose": (
                "Enregistrer les demandes d'accueil des familles, les classer selon les "
                "critères votés par le conseil communautaire et préparer les propositions de "
                "la commission d'attribution des places dans les 9 établissements d'accueil du "
                "jeune enfant de l'agglomération."
            ),
            "legal_basis": "public_task",
            "legal_basis_detail": (
                "Code de l'action sociale et des familles, art. L214-2 et L214-7 ; "
                "délibération du conseil communautaire du 14 mars 2024"
            ),
            "data_subjects": ["Enfants de moins de 4 ans", "Parents et responsables légaux"],
            "data_categories": [
                {
                    "category": "identity",
                    "description": "Nom, prénom, date de naissance de l'enfant et des parents",
                    "retention": "Jusqu'à l'entrée à l'école, puis 2 ans",
                },
                {
                    "category": "personal_life",
                    "description": "Situation familiale, fratrie, activité des parents",
                    "retention": "Jusqu'à l'entrée à l'école, puis 2 ans",
                },
                {
                    "category": "economic",
                    "description": "Quotient familial CAF (calcul du tarif horaire)",
                    "retention": "Durée de l'accueil, puis 5 ans",
                },
                {
                    "category": "health",
                    "description": "Situation de handicap de l'enfant, si la famille la déclare",
                    "retention": "Durée de l'accueil",
                },
            ],
            "sources": ["Formulaire de pré-inscription", "CAF (service CDAP)"],
            "recipients": [
                "Direction de la petite enfance",
                "Membres de la commission d'attribution",
                "Directrices des établissements",
            ],
            "processors": [
                {
                    "name": "Éditeur du logiciel petite enfance",
                    "detail": "Hébergement et maintenance de l'application de gestion",
                }
            ],
            "security_measures": SECURITY,
            "dpia_criteria": ["evaluation", "sensitive_data", "vulnerable_subjects"],
            "dpia_action_plan": [
                {
                    "action": "Anonymiser les dossiers présentés à la commission d'attribution",
                    "owner": "Direction de la petite enfance",
                    "due": date(2025, 3, 31).isoformat(),
                    "done": True,
                },
                {
                    "action": "Limiter l'accès à la mention du handicap au médecin référent",
                    "owner": "Relais petite enfance",
                    "due": date(2025, 6, 30).isoformat(),
                },
                {
                    "action": "Informer les familles des critères et de leur pondération",
                    "owner": "Service communication",
                    "due": date(2025, 6, 30).isoformat(),
                },
            ],
        },
    ),
)


def load_register(instance: Instance, organization: str) -> int:
    """Write the activities missing from ``organization``'s register, link their datasets,
    move their DPIA along, and publish the register; how many activities were written."""
    with instance.db.session() as session:
        existing = set(session.scalars(select(ProcessingActivity.slug)))
        register = session.scalar(
            select(ProcessingRegister.published).where(
                ProcessingRegister.organization.has(slug=organization)
            )
        )
    missing = [a for a in ACTIVITIES if a.slug not in existing]
    for activity in missing:
        create_activity(instance, ADMIN, organization, activity.slug, parse_fields(activity.fields))
        for dataset in activity.datasets:
            link_dataset(instance, ADMIN, activity.slug, dataset)
        if activity.dpia is not None:
            for status in DPIA_STEPS[: DPIA_STEPS.index(activity.dpia) + 1]:
                set_dpia_status(instance, ADMIN, activity.slug, status)
    if not register:
        update_register(
            instance, ADMIN, organization, parse_settings({**CONTACTS, "published": True})
        )
    return len(missing)
