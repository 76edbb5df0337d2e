"""What the demo authority publishes: each dataset's catalog metadata (DCAT-AP fields with the
codes of :mod:`socle.core.vocabularies`) beside the generator of its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from socle.core.metadata import DatasetMetadata, parse_metadata
from socle.demo import (
    air,
    communes,
    containers,
    counters,
    energy,
    facilities,
    fleet,
    lighting,
    nurseries,
    subsidies,
)
from socle.demo._files import second_delivery
from socle.demo.territory import INSEE_CODES


class DemoFile(Protocol):
    """A generator module of this package: its file name and how it writes the file."""

    FILENAME: str

    def generate(self, directory: Path, variant: int) -> Path: ...


@dataclass(frozen=True)
class DemoDataset:
    slug: str
    title: str
    description: str  # Markdown, French
    themes: list[str]  # EU data theme codes
    keywords: list[str]
    licence: str  # data.gouv.fr licence id
    access: str  # 'public' | 'internal' | 'restricted'
    frequency: str  # EU frequency code
    spatial: list[str]  # INSEE codes covered
    temporal_start: date | None
    temporal_end: date | None
    contact_name: str
    contact_email: str
    source: DemoFile  # the module writing the file
    known_issues: list[str]  # the deliberate quality problems, French
    conforms_to: str | None = None  # URL of the national schema the file follows
    schema: dict[str, Any] | None = None  # Table Schema registered and pinned by the demo
    personal_data: bool = False  # holds personal data (the RGPD register's publication rule)

    @property
    def filename(self) -> str:
        return self.source.FILENAME

    def generate(self, directory: Path, variant: int) -> Path:
        """Write delivery ``variant`` (1 or 2) of the file into ``directory``."""
        return self.source.generate(directory, variant)

    def metadata(self) -> DatasetMetadata:
        """The catalog metadata, checked by the platform's own rules."""
        return parse_metadata(
            title=self.title,
            description=self.description,
            themes=self.themes,
            keywords=self.keywords,
            licence=self.licence,
            access=self.access,
            frequency=self.frequency,
            spatial=self.spatial,
            temporal_start=self.temporal_start,
            temporal_end=self.temporal_end,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            conforms_to=self.conforms_to,
            personal_data=self.personal_data,
        )


JANUARY_1, DECEMBER_31 = date(2024, 1, 1), date(2024, 12, 31)
MAIL_DOMAIN = "val-de-lumiere.example"

DATASETS = (
    DemoDataset(
        slug="comptages-velos-voitures",
        title="Comptages horaires des vélos et des voitures",
        description=(
            "Nombre de passages **par heure** relevés par les 20 compteurs automatiques de "
            "l'agglomération : 11 compteurs vélos (boucles magnétiques, dont deux sur les voies "
            "vertes) et 9 compteurs routiers. Le fichier est transmis chaque mois par le "
            "prestataire de comptage, au format de son logiciel (CSV `;`, Windows-1252). "
            "Ces données alimentent l'observatoire de la mobilité et le suivi du plan vélo "
            "2021-2026."
        ),
        themes=["TRAN"],
        keywords=["mobilité", "vélo", "comptage", "trafic routier", "plan vélo"],
        licence="lov2",
        access="public",
        frequency="MONTHLY",
        spatial=counters.COVERED_INSEE,
        temporal_start=JANUARY_1,
        temporal_end=DECEMBER_31,
        contact_name="Direction des mobilités",
        contact_email=f"mobilites@{MAIL_DOMAIN}",
        source=counters,
        known_issues=[
            "Compteur CPT-07 hors service du 12 au 14 mars : 72 heures absentes du fichier",
            "Compteur CPT-15 bloqué à 0 du 9 au 13 juin (défaut du capteur, lignes présentes)",
            "Valeur -1 (code d'erreur du prestataire) sur CPT-04 le 24 mars à 8 h",
            "Une ligne en double",
            "Commune « Bourg en Bresse » sans tirets sur CPT-03 du 2 au 8 septembre "
            "(corrigée dans la seconde livraison)",
        ],
    ),
    DemoDataset(
        slug="consommations-energie-batiments",
        title="Consommations d'énergie des bâtiments publics",
        description=(
            "Consommations mensuelles d'électricité et de gaz naturel (kWh) de 36 bâtiments "
            "publics : écoles, gymnases, mairies, médiathèque, centre aquatique. Elles sont "
            "relevées par le conseiller en énergie partagé de l'agglomération pour le compte "
            "des communes membres. Le tableau sert au suivi du **décret tertiaire** et au "
            "choix des bâtiments à rénover en priorité."
        ),
        themes=["ENER", "GOVE"],
        keywords=["énergie", "bâtiments publics", "décret tertiaire", "électricité", "gaz"],
        licence="lov2",
        access="public",
        frequency="MONTHLY",
        spatial=list(INSEE_CODES),
        temporal_start=JANUARY_1,
        temporal_end=DECEMBER_31,
        contact_name="Service énergie et patrimoine bâti",
        contact_email=f"energie@{MAIL_DOMAIN}",
        source=energy,
        known_issues=[
            "Relevé de gaz manquant en février pour le groupe scolaire des Tilleuls (Péronnas)",
            "Relevé électrique de juillet décuplé pour l'école de Viriat (faute de saisie, "
            "corrigée dans la seconde livraison)",
            "Code INSEE de Buellas saisi comme un nombre (1065) : zéro initial perdu",
            "Colonne « Coût (€ TTC) » jamais renseignée",
        ],
    ),
    DemoDataset(
        slug="conteneurs-apport-volontaire",
        title="Conteneurs d'apport volontaire",
        description=(
            "Localisation des conteneurs de tri (verre, emballages, papier) et d'ordures "
            "ménagères, regroupés en points d'apport volontaire. Pour les conteneurs équipés "
            "d'une sonde, le fichier donne le dernier taux de remplissage mesuré. Extrait "
            "chaque semaine du SIG du service déchets pour optimiser les tournées de collecte."
        ),
        themes=["ENVI", "REGI"],
        keywords=["déchets", "tri sélectif", "collecte", "apport volontaire", "verre"],
        licence="lov2",
        access="public",
        frequency="WEEKLY",
        spatial=list(INSEE_CODES),
        temporal_start=None,
        temporal_end=None,
        contact_name="Service prévention et gestion des déchets",
        contact_email=f"dechets@{MAIL_DOMAIN}",
        source=containers,
        known_issues=[
            "Deux conteneurs pas encore géolocalisés (géométrie nulle)",
            "Un taux de remplissage de 112 % (VE-01053-042)",
            "Commune « Peronnas » sans accent sur un point de collecte (corrigée dans la "
            "seconde livraison)",
        ],
    ),
    DemoDataset(
        slug="eclairage-public",
        title="Points lumineux de l'éclairage public",
        description=(
            "Inventaire des points lumineux de l'agglomération : technologie de la lampe, "
            "puissance, hauteur, année d'installation, armoire de commande et extinction "
            "nocturne. Le fichier est fourni par le titulaire du marché d'éclairage en "
            "**Lambert-93** (EPSG:2154). Il sert à suivre le remplacement des lampes au "
            "sodium par des LED."
        ),
        themes=["ENER", "REGI"],
        keywords=["éclairage public", "énergie", "LED", "patrimoine", "sobriété"],
        licence="lov2",
        access="public",
        frequency="ANNUAL",
        spatial=list(INSEE_CODES),
        temporal_start=None,
        temporal_end=None,
        contact_name="Service voirie et éclairage public",
        contact_email=f"voirie@{MAIL_DOMAIN}",
        source=lighting,
        known_issues=[
            "Année d'installation 1900 utilisée pour « inconnue » (environ 1 % des points)",
            "Puissance non renseignée sur quelques points",
        ],
    ),
    DemoDataset(
        slug="qualite-air",
        title="Qualité de l'air : mesures journalières",
        description=(
            "Moyennes journalières de dioxyde d'azote (NO2), particules (PM10, PM2,5) et ozone "
            "(O3), en µg/m³, aux trois stations de mesure du territoire. Les données viennent "
            "de l'API du réseau régional de surveillance ; elles sont **provisoires** jusqu'à "
            "leur validation trimestrielle. La station trafic ne mesure pas l'ozone."
        ),
        themes=["ENVI", "HEAL"],
        keywords=["qualité de l'air", "pollution", "santé", "particules fines", "ozone"],
        licence="odc-odbl",
        access="public",
        frequency="DAILY",
        spatial=air.COVERED_INSEE,
        temporal_start=JANUARY_1,
        temporal_end=DECEMBER_31,
        contact_name="Mission transition écologique",
        contact_email=f"transition-ecologique@{MAIL_DOMAIN}",
        source=air,
        known_issues=[
            "Valeur négative de PM2,5 (-3,2) le 20 février à Bourg-en-Bresse Centre "
            "(invalidée dans la seconde livraison)",
            "Station de Péronnas arrêtée du 10 au 17 juin pour maintenance : jours absents",
        ],
    ),
    DemoDataset(
        slug="subventions-associations",
        title="Subventions aux associations 2024 (projet)",
        description=(
            "Subventions proposées aux associations lors des conseils communautaires de 2024, "
            "au format national SCDL « subventions ». **Document de travail non voté**, "
            "réservé aux agents : il sera publié en open data après les délibérations, "
            "comme l'exige le décret du 5 mai 2017."
        ),
        themes=["ECON", "GOVE"],
        keywords=["subventions", "associations", "SCDL", "finances", "vie associative"],
        licence="lov2",
        access="internal",
        frequency="QUARTERLY",
        spatial=list(INSEE_CODES),
        temporal_start=JANUARY_1,
        temporal_end=DECEMBER_31,
        contact_name="Direction des finances",
        contact_email=f"finances@{MAIL_DOMAIN}",
        source=subsidies,
        known_issues=[
            "Un SIRET de bénéficiaire à la clé de contrôle fausse (faute de frappe)",
            "Un bénéficiaire sans SIRET ni numéro RNA (collectif d'habitants)",
            "Montants et pourcentages à virgule décimale, le schéma attend un point",
        ],
        conforms_to=subsidies.SCHEMA_URL,
        schema=subsidies.SCHEMA,
    ),
    DemoDataset(
        slug="equipements-publics",
        title="Équipements publics",
        description=(
            "Mairies, écoles, médiathèques, gymnases, stades, piscines et salles des fêtes "
            "des communes de l'agglomération, avec adresse, téléphone, horaires d'ouverture "
            "et accessibilité aux personnes à mobilité réduite. La liste est consolidée par "
            "l'agglomération à partir des tableaux tenus par chaque commune."
        ),
        themes=["EDUC", "SOCI", "GOVE"],
        keywords=["équipements", "écoles", "sport", "culture", "services publics"],
        licence="odc-odbl",
        access="public",
        frequency="IRREG",
        spatial=list(INSEE_CODES),
        temporal_start=None,
        temporal_end=None,
        contact_name="Service données et innovation",
        contact_email=f"donnees@{MAIL_DOMAIN}",
        source=facilities,
        known_issues=[
            "Un numéro de téléphone manquant (EQ-01072-003)",
            "Code postal de la mairie d'Attignat sans zéro initial (1340)",
            "Colonne site_web vide",
            "Un équipement listé deux fois (corrigé dans la seconde livraison)",
        ],
        schema=facilities.SCHEMA,
    ),
    DemoDataset(
        slug="communes",
        title="Communes de l'agglomération",
        description=(
            "Les 15 communes membres avec leur code INSEE, leur code postal, leur population "
            "municipale et leur superficie. Les contours sont **simplifiés et indicatifs** : "
            "ils ne remplacent pas les limites administratives officielles de l'IGN."
        ),
        themes=["REGI", "SOCI"],
        keywords=["communes", "population", "territoire", "limites administratives"],
        licence="lov2",
        access="public",
        frequency="ANNUAL",
        spatial=list(INSEE_CODES),
        temporal_start=None,
        temporal_end=None,
        contact_name="Service SIG",
        contact_email=f"sig@{MAIL_DOMAIN}",
        source=communes,
        known_issues=["Contours générés, approximatifs : surfaces calculées non officielles"],
    ),
    DemoDataset(
        slug="parc-vehicules",
        title="Parc de véhicules de l'agglomération",
        description=(
            "Véhicules de service de l'agglomération (bennes à ordures, utilitaires, voitures, "
            "minibus du transport à la demande) avec leur énergie, leur kilométrage et leur "
            "consommation annuelle. Tableau de gestion interne du garage communautaire, "
            "utilisé pour le plan de verdissement de la flotte ; il n'est pas publié."
        ),
        themes=["GOVE", "TRAN", "ENER"],
        keywords=["flotte", "véhicules", "carburant", "verdissement"],
        licence="notspecified",
        access="internal",
        frequency="ANNUAL",
        spatial=["01053", "01289", "01344", "01451"],
        temporal_start=JANUARY_1,
        temporal_end=DECEMBER_31,
        contact_name="Garage communautaire",
        contact_email=f"parc-auto@{MAIL_DOMAIN}",
        source=fleet,
        known_issues=[
            "Kilométrage saisi « NC » sur un véhicule (complété dans la seconde livraison)",
            "Une date de mise en circulation saisie comme texte au lieu d'une date",
            "Deux véhicules vendus en 2024 encore listés (retirés dans la seconde livraison)",
        ],
    ),
    DemoDataset(
        slug="demandes-places-creche",
        title="Demandes de place en crèche 2024",
        description=(
            "Demandes d'accueil reçues pour les 9 établissements d'accueil du jeune enfant, "
            "avec les critères du classement et la décision de la commission d'attribution. "
            "**Données personnelles** d'enfants et de familles, réservées au service petite "
            "enfance et au DPO : seul un agrégat anonymisé par commune est publié."
        ),
        themes=["SOCI", "EDUC"],
        keywords=["petite enfance", "crèche", "accueil du jeune enfant", "données personnelles"],
        licence="notspecified",
        access="restricted",
        frequency="QUARTERLY",
        spatial=list(INSEE_CODES),
        temporal_start=date(2023, 9, 1),
        temporal_end=date(2024, 8, 31),
        contact_name="Direction de la petite enfance",
        contact_email=f"petite-enfance@{MAIL_DOMAIN}",
        source=nurseries,
        known_issues=[
            "Date de naissance vide pour les enfants à naître (demande faite pendant la grossesse)",
            "Quotient familial vide quand la famille a refusé sa consultation auprès de la CAF",
        ],
        personal_data=True,
    ),
)


def demo_datasets() -> list[DemoDataset]:
    return list(DATASETS)


def write_demo_files(directory: Path, variant: int) -> dict[str, Path]:
    """Write every demo file of one delivery (1 or 2) into ``directory``."""
    second_delivery(variant)  # refuse an unknown variant before writing anything
    directory.mkdir(parents=True, exist_ok=True)
    return {d.slug: d.generate(directory, variant) for d in DATASETS}
