"""Public facilities (équipements) listed by the communes: town halls, schools, libraries,
sports halls, pitches, pools and village halls, as a plain CSV (``,``, UTF-8, no BOM) merged
by the agglomeration from each commune's spreadsheet.

Deliberate problems: a phone number missing, a postal code that lost its leading zero
(``1340``), a ``site_web`` column nobody filled, and one facility listed twice. The second
delivery removes the duplicate, updates the libraries' opening hours and adds a new France
services office.
"""

from __future__ import annotations

import math
from pathlib import Path

from socle.demo._files import rng, second_delivery, write_csv
from socle.demo.territory import COMMUNES, STREETS, Commune, of

SEED = 2024_07
FILENAME = "equipements-publics.csv"
HEADER = (
    "identifiant",
    "nom",
    "categorie",
    "adresse",
    "code_postal",
    "code_insee",
    "commune",
    "telephone",
    "latitude",
    "longitude",
    "horaires",
    "accessible_pmr",
    "site_web",
)
# The agglomeration's own schema for the consolidated list, registered and pinned by the demo,
# so that the quality page shows the deliberate problems as validation errors.
SCHEMA = {
    "name": "equipements-publics-val-de-lumiere",
    "version": "1.0.0",
    "title": "Équipements publics du Val de Lumière",
    "description": "Schéma de la liste consolidée des équipements publics des communes.",
    "fields": [
        {"name": "identifiant", "type": "string", "constraints": {"required": True}},
        {"name": "nom", "type": "string", "constraints": {"required": True}},
        {"name": "categorie", "type": "string", "constraints": {"required": True}},
        {"name": "adresse", "type": "string"},
        {
            "name": "code_postal",
            "type": "string",
            "description": "Code postal sur cinq chiffres",
            "constraints": {"required": True, "pattern": "[0-9]{5}"},
        },
        {"name": "code_insee", "type": "string", "constraints": {"required": True}},
        {"name": "commune", "type": "string"},
        {
            "name": "telephone",
            "type": "string",
            "description": "Numéro de téléphone de l'accueil",
            "constraints": {"required": True},
        },
        {"name": "latitude", "type": "number"},
        {"name": "longitude", "type": "number"},
        {"name": "horaires", "type": "string"},
        {
            "name": "accessible_pmr",
            "type": "boolean",
            "trueValues": ["oui"],
            "falseValues": ["non"],
        },
        {"name": "site_web", "type": "string", "format": "uri"},
    ],
    "primaryKey": ["identifiant"],
    "custom_checks": [
        {"name": "french-insee-code-value", "params": {"column": "code_insee"}},
        {"name": "phone-number-value", "params": {"column": "telephone"}},
    ],
}
# Category -> (street of its address, opening hours, smallest population that has one)
CATEGORIES = {
    "Mairie": ("Place de la Mairie", "Lundi au vendredi 8h30-12h et 13h30-17h30", 0),
    "École maternelle": ("Rue des Écoles", "Lundi, mardi, jeudi, vendredi 8h30-16h30", 1_200),
    "École élémentaire": ("Rue des Écoles", "Lundi, mardi, jeudi, vendredi 8h30-16h30", 0),
    "Médiathèque": ("Grande Rue", "Mardi 14h-18h, mercredi 10h-18h, samedi 10h-17h", 1_500),
    "Gymnase": ("Rue du Stade", "Tous les jours 8h-22h (écoles et clubs)", 1_500),
    "Stade": ("Rue du Stade", "Accès libre", 1_000),
    "Salle des fêtes": ("Place de l'Église", "Sur réservation auprès de la mairie", 0),
}
LIBRARY_HOURS_2025 = "Mardi 14h-19h, mercredi 10h-18h, vendredi 14h-19h, samedi 10h-17h"
# Extra facilities of the towns: (INSEE, category, name, street, hours)
EXTRA = (
    (
        "01053",
        "Piscine",
        "Centre aquatique des Vennes",
        "Boulevard Joliot-Curie",
        "Lundi au vendredi 12h-14h et 17h-20h, week-end 10h-18h",
    ),
    (
        "01053",
        "Piscine",
        "Piscine d'été de Bouvent",
        "Rue de Bouvent",
        "Juin à août, tous les jours 10h30-19h",
    ),
    (
        "01053",
        "Médiathèque",
        "Médiathèque de la Croix-Blanche",
        "Rue de la Croix-Blanche",
        "Mardi et vendredi 14h-18h, mercredi 10h-18h",
    ),
    (
        "01053",
        "Gymnase",
        "Gymnase des Vennes",
        "Rue Lavoisier",
        "Tous les jours 8h-22h (écoles et clubs)",
    ),
    (
        "01289",
        "Gymnase",
        "Halle des sports de Péronnas",
        "Route de Lyon",
        "Tous les jours 8h-22h (écoles et clubs)",
    ),
)
NEW_FACILITY = (
    "01301",
    "France services",
    "France services de Polliat",
    "Place de la Mairie",
    "Lundi au vendredi 9h-12h, mercredi 14h-17h",
)
NO_PHONE = "EQ-01072-003"
UNPADDED_POSTAL_CODE = "01024"
DUPLICATED = "EQ-01289-004"


# Names of the schools of the towns that have several.
SCHOOL_NAMES = (
    "Jean Moulin",
    "Jules Ferry",
    "Louis Pasteur",
    "Victor Hugo",
    "Marie Curie",
    "Jacques Prévert",
    "Saint-Exupéry",
    "les Vennes",
    "la Charité",
    "Baudières",
)


def _schools(commune: Commune) -> int:
    return min(len(SCHOOL_NAMES), max(1, commune.population // 4_000))


def _facilities(second: bool) -> list[tuple[Commune, str, str, str, str]]:
    """(commune, category, name, street, hours) of every facility of the delivery."""
    by_insee = {c.insee: c for c in COMMUNES}
    listed: list[tuple[Commune, str, str, str, str]] = []
    for commune in COMMUNES:
        for category, (street, hours, threshold) in CATEGORIES.items():
            if commune.population < threshold:
                continue
            if category == "Médiathèque" and second:
                hours = LIBRARY_HOURS_2025
            count = _schools(commune) if category.startswith("École") else 1
            for number in range(count):
                name = f"{category} {of(commune.name)}"
                if count > 1:  # each school of a town has its own name and street
                    name = f"{category} {SCHOOL_NAMES[number]}"
                    street = STREETS[number * 7 % len(STREETS)]
                listed.append((commune, category, name, street, hours))
    for insee, category, name, street, hours in [*EXTRA, *([NEW_FACILITY] if second else [])]:
        listed.append((by_insee[insee], category, name, street, hours))
    return listed


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    random = rng(SEED)
    rows = []
    numbers: dict[str, int] = {}
    for commune, category, name, street, hours in _facilities(second):
        numbers[commune.insee] = numbers.get(commune.insee, 0) + 1
        ident = f"EQ-{commune.insee}-{numbers[commune.insee]:03d}"
        digits = random.integers(10, 100, 3)
        phone = "" if ident == NO_PHONE else "04 74 {} {} {}".format(*digits)
        spread = math.sqrt(commune.area_km2) / 25  # facilities stand near the village centre
        north, east = random.normal(0, spread, 2)
        postal_code = commune.postal_code
        if commune.insee == UNPADDED_POSTAL_CODE and category == "Mairie":
            postal_code = postal_code.lstrip("0")
        row = (
            ident,
            name,
            category,
            f"{int(random.integers(1, 60))} {street}",
            postal_code,
            commune.insee,
            commune.name,
            phone,
            f"{commune.lat + north / 111.32:.6f}",
            f"{commune.lon + east / (111.32 * math.cos(math.radians(commune.lat))):.6f}",
            hours,
            "oui" if random.random() < 0.75 else "non",
            "",
        )
        rows.append(row)
        if ident == DUPLICATED and not second:
            rows.append(row)
    return write_csv(directory / FILENAME, HEADER, rows)
