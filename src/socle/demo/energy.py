"""Monthly energy consumption of public buildings, as the energy manager keeps it in Excel.

Deliberate problems: a gas reading missing for one month, and one meter reading ten times too
high (a typo corrected in the second delivery, which also adds a newly opened building).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from socle.demo._files import rng
from socle.demo.territory import COMMUNES

KINDS = (
    ("École élémentaire", 1800, True),
    ("Groupe scolaire", 3200, True),
    ("Gymnase", 2400, True),
    ("Mairie", 900, True),
    ("Médiathèque", 1500, False),
    ("Piscine", 4200, True),
    ("Salle des fêtes", 700, True),
    ("Centre technique municipal", 1100, False),
)
HEADER = (
    "identifiant_batiment",
    "nom_batiment",
    "type",
    "code_insee",
    "commune",
    "surface_m2",
    "mois",
    "electricite_kwh",
    "gaz_kwh",
    "commentaire",
)


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_02, variant)
    buildings = []
    for index in range(26):  # the 26th building opens in the second delivery
        kind, surface, gas = KINDS[index % len(KINDS)]
        commune = COMMUNES[index % len(COMMUNES)]
        buildings.append(
            (
                f"BAT-{index + 1:03d}",
                f"{kind} {commune.name}",
                kind,
                commune,
                round(surface * random.uniform(0.7, 1.3)),
                gas,
            )
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Consommations 2024"
    sheet.append(HEADER)
    delivered = buildings if variant == 2 else buildings[:25]
    for number, (ident, name, kind, commune, surface, gas) in enumerate(delivered):
        for month in range(1, 13):
            winter = 1.6 if month in (1, 2, 3, 11, 12) else 0.8 if month in (6, 7, 8) else 1.1
            electricity = surface * random.uniform(4.5, 6.5) * (1.2 if kind == "Piscine" else 1)
            heating = surface * 9 * winter * random.uniform(0.85, 1.15) if gas else None
            comment = None
            if number == 4 and month == 2:
                heating = None
                comment = "relevé manquant"
            if number == 9 and month == 7 and variant == 1:
                electricity *= 10
                comment = "à vérifier"
            sheet.append(
                (
                    ident,
                    name,
                    kind,
                    commune.insee,
                    commune.name,
                    surface,
                    dt.datetime(2024, month, 1),
                    round(electricity),
                    round(heating) if heating else None,
                    comment,
                )
            )
    path = directory / "consommations-energie-batiments-2024.xlsx"
    workbook.save(path)
    return path
