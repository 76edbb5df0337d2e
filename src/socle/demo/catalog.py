"""What the demo authority publishes: each dataset's catalog metadata and its generator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socle.demo import air, communes, containers, counters, energy, facilities, lighting, subsidies
from socle.demo.territory import CONTACT_EMAIL, CONTACT_NAME, INSEE_CODES

YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@dataclass(frozen=True)
class DemoDataset:
    slug: str
    title: str
    description: str
    themes: list[str]
    keywords: list[str]
    access: str
    frequency: str
    generate: Callable[[Path, int], Path]
    known_issues: list[str]
    licence: str = "lov2"
    spatial: list[str] = field(default_factory=lambda: list(INSEE_CODES))
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    contact_name: str = CONTACT_NAME
    contact_email: str = CONTACT_EMAIL


DATASETS = (
    DemoDataset(
        slug="comptages-velos-voitures",
        title="Comptages horaires des vélos et des voitures",
        description=(
            "Nombre de passages **par heure** relevés par les 20 compteurs automatiques de "
            "l'agglomération (boucles magnétiques et caméras de comptage anonymisées).\n\n"
            "Les données sont transmises chaque mois par le prestataire de comptage. Elles "
            "servent à l'observatoire de la mobilité et au suivi du plan vélo."
        ),
        themes=["TRAN"],
        keywords=["mobilité", "vélo", "comptage", "trafic routier"],
        access="public",
        frequency="MONTHLY",
        generate=counters.generate,
        known_issues=[
            "Compteur CPT-08 hors service trois jours en mars (heures manquantes)",
            "Valeur -1 (code d'erreur du capteur) sur CPT-04",
            "Une ligne en double",
            "Commune « Bourg en Bresse » mal orthographiée dans la première livraison",
        ],
        temporal_start=YEAR_2024[0],
        temporal_end=YEAR_2024[1],
    ),
    DemoDataset(
        slug="consommations-energie-batiments",
        title="Consommations d'énergie des bâtiments publics",
        description=(
            "Consommations mensuelles d'électricité et de gaz (kWh) des écoles, gymnases, "
            "mairies et piscines, relevées par le conseiller en énergie partagé.\n\n"
            "Elles alimentent le suivi du décret tertiaire."
        ),
        themes=["ENER", "GOVE"],
        keywords=["énergie", "bâtiments publics", "décret tertiaire"],
        access="public",
        frequency="MONTHLY",
        generate=energy.generate,
        known_issues=["Relevé de gaz manquant en février", "Relevé électrique décuplé en juillet"],
        temporal_start=YEAR_2024[0],
        temporal_end=YEAR_2024[1],
    ),
    DemoDataset(
        slug="conteneurs-apport-volontaire",
        title="Conteneurs d'apport volontaire",
        description=(
            "Localisation des conteneurs de tri (verre, emballages, papier) et d'ordures "
            "ménagères, avec leur volume et leur dernier taux de remplissage mesuré."
        ),
        themes=["ENVI"],
        keywords=["déchets", "tri", "collecte"],
        access="public",
        frequency="WEEKLY",
        generate=containers.generate,
        known_issues=["Deux conteneurs sans position", "Un taux de remplissage de 112 %"],
    ),
    DemoDataset(
        slug="eclairage-public",
        title="Points lumineux de l'éclairage public",
        description=(
            "Inventaire des points lumineux : type de lampe, puissance, année d'installation. "
            "Fourni par le titulaire du marché d'éclairage en Lambert-93 et reprojeté en WGS84."
        ),
        themes=["ENER", "REGI"],
        keywords=["éclairage public", "énergie", "patrimoine"],
        access="public",
        frequency="ANNUAL",
        generate=lighting.generate,
        known_issues=["Année d'installation 1900 utilisée pour « inconnue »"],
    ),
    DemoDataset(
        slug="qualite-air",
        title="Qualité de l'air : mesures journalières",
        description=(
            "Moyennes journalières de NO2, PM10, PM2,5 et O3 (µg/m³) aux trois stations de "
            "mesure du territoire, issues du réseau régional de surveillance."
        ),
        themes=["ENVI", "HEAL"],
        keywords=["qualité de l'air", "pollution", "santé"],
        access="public",
        frequency="DAILY",
        generate=air.generate,
        known_issues=["Valeur négative de PM2,5", "Station de Péronnas arrêtée huit jours"],
        temporal_start=YEAR_2024[0],
        temporal_end=YEAR_2024[1],
    ),
    DemoDataset(
        slug="subventions-associations",
        title="Subventions aux associations (projet)",
        description=(
            "Projet de délibération : subventions envisagées pour les associations, au format "
            "national SCDL. **Document de travail non voté**, réservé aux agents."
        ),
        themes=["ECON", "GOVE"],
        keywords=["subventions", "associations", "SCDL"],
        access="internal",
        frequency="ANNUAL",
        generate=subsidies.generate,
        known_issues=["Un SIRET de bénéficiaire à la clé de contrôle fausse"],
        temporal_start=YEAR_2024[0],
        temporal_end=YEAR_2024[1],
    ),
    DemoDataset(
        slug="equipements-publics",
        title="Équipements publics",
        description=(
            "Écoles, médiathèques, gymnases, stades et piscines des communes de "
            "l'agglomération, avec adresse, téléphone, horaires et accessibilité."
        ),
        themes=["EDUC", "SOCI"],
        keywords=["équipements", "écoles", "sport", "culture"],
        access="public",
        frequency="IRREG",
        generate=facilities.generate,
        known_issues=["Un numéro de téléphone manquant", "Un équipement listé deux fois"],
    ),
    DemoDataset(
        slug="communes",
        title="Communes de l'agglomération",
        description=(
            "Les 15 communes membres avec leur code INSEE, leur population et un contour "
            "simplifié (indicatif, non officiel)."
        ),
        themes=["REGI"],
        keywords=["communes", "population", "territoire"],
        access="public",
        frequency="ANNUAL",
        generate=communes.generate,
        known_issues=[],
    ),
)


def demo_datasets() -> list[DemoDataset]:
    return list(DATASETS)


def write_demo_files(directory: Path, variant: int) -> dict[str, Path]:
    """Write every demo file of one delivery (1 or 2) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    return {d.slug: d.generate(directory, variant) for d in DATASETS}
