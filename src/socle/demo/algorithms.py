"""The demo authority's algorithm transparency register (CRPA art. L312-1-3): the two
algorithms its individual decisions rest on, published, citing the demo datasets they use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from socle.demo.manifest import MAIL_DOMAIN
from socle.governance.algorithms import add_algorithm, set_published
from socle.governance.policy import ADMIN
from socle.instance import Instance
from socle.storage.algorithms import Algorithm


@dataclass(frozen=True)
class DemoAlgorithm:
    slug: str
    content: dict[str, Any]  # the fields of governance.algorithms.fields
    datasets: tuple[str, ...]


ALGORITHMS = (
    DemoAlgorithm(
        slug="attribution-places-creche",
        datasets=("equipements-publics", "communes"),
        content={
            "department": "Direction de la petite enfance",
            "contact": f"petite-enfance@{MAIL_DOMAIN}",
            "name": "Classement des demandes de place en crèche",
            "decision": (
                "Attribution d'une place dans un établissement d'accueil du jeune enfant de "
                "l'agglomération"
            ),
            "context": (
                "Environ 900 demandes par an pour 410 places dans 9 établissements. Depuis "
                "2024, la commission d'attribution examine les demandes dans l'ordre d'un "
                "score calculé à partir des critères votés par le conseil communautaire."
            ),
            "purpose": (
                "Classer les demandes de façon égale pour toutes les familles, selon des "
                "critères publics, avant la commission d'attribution."
            ),
            "decision_role": (
                "Le score est calculé à la clôture de chaque campagne (mars et octobre). La "
                "commission examine chaque dossier, anonymisé, dans l'ordre du score, et peut "
                "s'en écarter en motivant sa décision (places adaptées, fratries)."
            ),
            "automation": "aid",
            "legal_basis": (
                "Code de l'action sociale et des familles, art. L214-2 et L214-7 ; "
                "délibération du conseil communautaire du 14 mars 2024 fixant les critères"
            ),
            "decisions_per_year": 900,
            "decision_scope": "external",
            "public_concerned": "Familles résidant ou travaillant dans l'agglomération",
            "data_processed": (
                "Commune de résidence, date de naissance de l'enfant, activité des parents, "
                "fratrie déjà accueillie, situation de handicap déclarée, date de la demande"
            ),
            "data_sources": (
                "Formulaire de pré-inscription ; liste des établissements (jeu « Équipements "
                "publics ») ; communes membres (jeu « Communes de l'agglomération »)"
            ),
            "collection_mode": "Formulaire en ligne ou papier au relais petite enfance",
            "kind": "rules",
            "operations": (
                "Somme pondérée des points de chaque critère ; à égalité, la demande la plus "
                "ancienne passe en premier. Le score et son détail sont remis à la famille "
                "qui le demande."
            ),
            "parameters": [
                {
                    "name": "Résidence dans l'agglomération",
                    "weight": "30 points",
                    "description": "Commune de résidence parmi les 15 communes membres",
                },
                {
                    "name": "Activité des parents",
                    "weight": "20 points",
                    "description": "Emploi, formation ou recherche d'emploi des deux parents",
                },
                {
                    "name": "Situation de handicap de l'enfant",
                    "weight": "25 points",
                    "description": "Déclarée par la famille, vérifiée par le médecin référent",
                },
                {
                    "name": "Fratrie déjà accueillie",
                    "weight": "15 points",
                    "description": "Dans le même établissement à la date d'entrée souhaitée",
                },
                {
                    "name": "Ancienneté de la demande",
                    "weight": "1 point par mois, 10 au plus",
                    "description": "Mois écoulés depuis la pré-inscription",
                },
            ],
        },
    ),
    DemoAlgorithm(
        slug="tarification-sociale-transport",
        datasets=("communes",),
        content={
            "department": "Direction des mobilités",
            "contact": f"mobilites@{MAIL_DOMAIN}",
            "name": "Calcul du tarif solidaire des transports en commun",
            "decision": "Droit au tarif solidaire de l'abonnement mensuel du réseau de bus",
            "context": (
                "Le tarif solidaire remplace depuis 2023 les réductions par statut "
                "(demandeur d'emploi, étudiant boursier…) par un tarif fonction des "
                "ressources du foyer."
            ),
            "purpose": "Fixer le prix de l'abonnement selon les ressources du foyer",
            "decision_role": (
                "Le tarif est calculé automatiquement à la demande, à partir du quotient "
                "familial transmis par la CAF ; l'usager peut demander un réexamen à l'agence "
                "commerciale."
            ),
            "automation": "full",
            "legal_basis": (
                "Code des transports, art. L1113-1 (réduction tarifaire sous condition de "
                "ressources) ; délibération tarifaire du conseil communautaire du "
                "12 décembre 2024"
            ),
            "decisions_per_year": 4200,
            "decision_scope": "external",
            "public_concerned": "Habitants des 15 communes membres",
            "data_processed": "Quotient familial, commune de résidence, âge du demandeur",
            "data_sources": (
                "CAF (service CDAP), avec l'accord de l'usager ; communes membres (jeu "
                "« Communes de l'agglomération »)"
            ),
            "kind": "rules",
            "operations": (
                "Le quotient familial est comparé aux seuils de la grille : 4 tranches, de "
                "la gratuité au plein tarif. Résider dans l'une des 15 communes est requis."
            ),
            "parameters": [
                {
                    "name": "Quotient familial jusqu'à 450 €",
                    "weight": "gratuité",
                    "description": "Abonnement mensuel à 0 €",
                },
                {
                    "name": "Quotient familial de 451 à 800 €",
                    "weight": "tarif réduit de 75 %",
                    "description": "Abonnement mensuel à 8 €",
                },
                {
                    "name": "Quotient familial de 801 à 1 200 €",
                    "weight": "tarif réduit de 50 %",
                    "description": "Abonnement mensuel à 16 €",
                },
                {
                    "name": "Quotient familial au-delà de 1 200 €",
                    "weight": "plein tarif",
                    "description": "Abonnement mensuel à 32 €",
                },
            ],
            "documentation_url": "https://www.val-de-lumiere.example/tarif-solidaire",
        },
    ),
)


def load_algorithms(instance: Instance, organization: str) -> int:
    """Write and publish the entries missing from the register; how many were written."""
    with instance.db.session() as session:
        existing = set(session.scalars(select(Algorithm.slug)))
    missing = [a for a in ALGORITHMS if a.slug not in existing]
    for entry in missing:
        add_algorithm(
            instance,
            ADMIN,
            entry.slug,
            organization=organization,
            content=entry.content,
            datasets=entry.datasets,
        )
        set_published(instance, ADMIN, entry.slug, True)
    return len(missing)
