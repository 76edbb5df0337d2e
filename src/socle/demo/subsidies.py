"""Subsidies to associations in the national SCDL « subventions » format (schema.data.gouv.fr),
as the finance software exports it: UTF-8 with BOM, ``;``, decimal commas. A draft not yet
voted, hence internal.

Deliberate problem: one beneficiary's SIRET has a wrong check digit. The second delivery
changes one amount after the committee and adds the autumn subsidies.
"""

from __future__ import annotations

from pathlib import Path

from socle.demo._files import fr_decimal, rng, write_csv
from socle.demo.territory import ORGANIZATION, with_luhn_key

HEADER = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
ASSOCIATIONS = (
    "Union sportive de Bourg",
    "Amicale laïque de Viriat",
    "École de musique du Val",
    "Théâtre de la Grenette",
    "Club de randonnée bressan",
    "Restos du cœur - antenne de Bourg",
    "Comité des fêtes de Péronnas",
    "Judo club de Saint-Denis",
    "Les Amis de Brou",
    "Association des jardins familiaux",
    "Basket club Ceyzériat",
    "Secours populaire de l'Ain",
)
OBJECTS = (
    "Fonctionnement",
    "Projet culturel",
    "Manifestation sportive",
    "Aide à l'emploi",
    "Équipement",
    "Action sociale",
)


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_06, variant)
    attributor = with_luhn_key(ORGANIZATION.siren + "0001")
    rows = []
    for index in range(130 if variant == 2 else 110):
        name = ASSOCIATIONS[index % len(ASSOCIATIONS)]
        siret = with_luhn_key(f"{7750 + index % len(ASSOCIATIONS):04d}{index:05d}0001")
        if index == 23:
            siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)  # wrong check digit
        amount = float(random.integers(2, 400)) * 50
        if variant == 2 and index == 5:
            amount += 1500
        month = 1 + index % 11
        rows.append(
            (
                ORGANIZATION.name,
                attributor,
                f"2024-{month:02d}-{1 + index % 27:02d}",
                f"DEL-2024-{index + 1:03d}",
                name,
                siret,
                f"W01{index:07d}",
                OBJECTS[index % len(OBJECTS)],
                fr_decimal(amount),
                "aide en numéraire",
                "unique" if amount < 10_000 else "échelonné",
                f"2024-{month:02d}-15/2024-12-31",
                "",
                "non",
                fr_decimal(float(random.uniform(0.05, 0.6)), 2),
                "",
            )
        )
    path = directory / "subventions-associations-2024.csv"
    return write_csv(path, HEADER, rows, encoding="utf-8-sig", delimiter=";")
