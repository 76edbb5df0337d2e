"""The agglomeration's vehicle fleet, as the fleet manager keeps it in LibreOffice Calc (ODS,
the format the RGI recommends to administrations): one row per vehicle with its mileage and
its consumption of the year, each in its own unit.

Internal management data, not published. Deliberate problems: a mileage entered as ``NC``,
a registration date typed as text instead of a date, and a vehicle sold in 2024 still
listed. The second delivery removes the sold vehicles, fills the missing mileage and adds
three electric vans bought in December.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from socle.demo._files import OdsCell, rng, second_delivery, write_ods

SEED = 2024_08
FILENAME = "parc-vehicules-2024.ods"
SHEET = "Parc 2024"
HEADER = (
    "Immatriculation",
    "Service",
    "Catégorie",
    "Marque et modèle",
    "Énergie",
    "Mise en circulation",
    "Kilométrage au 31/12",
    "Consommation 2024",
    "Unité",
    "Code INSEE du site",
    "Observations",
)
# Service | site | category (VP, VUL, PL, TCP for minibus) | model | energy | count |
# on sale since | km a year | per 100 km
FLEET_TABLE = """
Déchets          | 01053 | PL  | Renault D Wide BOM      | Gazole     | 9 | 2013 | 22000 | 55
Déchets          | 01053 | PL  | Iveco S-Way BOM         | GNV        | 3 | 2019 | 24000 | 38
Voirie           | 01053 | PL  | Renault C 380           | Gazole     | 2 | 2013 | 12000 | 35
Voirie           | 01289 | VUL | Renault Master          | Gazole     | 6 | 2010 | 14000 | 10
Éclairage public | 01053 | VUL | Iveco Daily nacelle     | Gazole     | 2 | 2009 | 9000  | 13
Espaces verts    | 01451 | VUL | Peugeot Boxer           | Gazole     | 5 | 2008 | 11000 | 9
Espaces verts    | 01451 | VUL | Renault Kangoo E-Tech   | Électrique | 4 | 2022 | 8000  | 19
Administration   | 01053 | VP  | Renault Zoe             | Électrique | 8 | 2013 | 7500  | 15
Administration   | 01053 | VP  | Peugeot 208             | Essence    | 4 | 2012 | 9000  | 6
Mobilités (TAD)  | 01344 | TCP | Renault Trafic 9 places | Gazole     | 3 | 2014 | 30000 | 8
Centre aquatique | 01053 | VUL | Citroën Berlingo        | Hybride    | 1 | 2018 | 6000  | 5
"""
FLEET = [[cell.strip() for cell in line.split("|")] for line in FLEET_TABLE.strip().splitlines()]
UNITS = {"Gazole": "L", "Essence": "L", "Hybride": "L", "GNV": "kg", "Électrique": "kWh"}
NEW_VANS = ("Voirie", "01289", "VUL", "Renault Kangoo E-Tech", "Électrique", 3)
SOLD = (("Voirie", 0), ("Administration", 9))  # (service, index in the service's list)
NO_MILEAGE = 17
DATE_AS_TEXT = 30
SIV_START = dt.date(2009, 4, 15)  # plates AB-123-CD since then; "1234 AB 01" before


def _plate(registered: dt.date, number: int) -> str:
    """A distinct fictional plate per number, in the format of its registration date."""
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"  # no I, O, U on French plates
    if registered < SIV_START:
        return f"{1000 + number * 37 % 9000} {letters[number % 23]}{letters[number * 7 % 23]} 01"
    a, b, c, d = (letters[(number * k + k) % 23] for k in (3, 5, 7, 11))
    return f"{a}{b}-{100 + number * 53 % 900:03d}-{c}{d}"


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    random = rng(SEED)
    rows: list[list[OdsCell]] = []
    sold: list[int] = []
    per_service: dict[str, int] = {}
    for service, insee, category, model, energy, count, since, yearly_km, per_100 in FLEET:
        for _ in range(int(count)):
            index = per_service[service] = per_service.get(service, -1) + 1
            age_years = float(random.uniform(0.5, 2024.9 - int(since)))
            registered = dt.date(2024, 12, 31) - dt.timedelta(days=round(age_years * 365.25))
            km_year = int(yearly_km) * float(random.uniform(0.7, 1.3))
            mileage: OdsCell = int(round(km_year * age_years, -2))
            if len(rows) == NO_MILEAGE and not second:
                mileage = "NC"
            shown_date: OdsCell = registered
            if len(rows) == DATE_AS_TEXT:
                shown_date = registered.strftime("%d/%m/%Y")
            observation = None
            if (service, index) in SOLD:
                sold.append(len(rows))
                observation = "Vendu en 2024"
            rows.append(
                [
                    _plate(registered, len(rows)),
                    service,
                    category,
                    model,
                    energy,
                    shown_date,
                    mileage,
                    round(km_year * int(per_100) / 100),
                    UNITS[energy],
                    insee,
                    observation,
                ]
            )
    if second:
        for position in reversed(sold):
            del rows[position]
        service, insee, category, model, energy, vans = NEW_VANS
        for number in range(vans):
            registered = dt.date(2024, 12, 2 + number)
            rows.append(
                [
                    _plate(registered, 500 + number),
                    service,
                    category,
                    model,
                    energy,
                    registered,
                    120 + 40 * number,
                    round((120 + 40 * number) * 0.19),
                    "kWh",
                    insee,
                    "Livré en décembre 2024",
                ]
            )
    return write_ods(directory / FILENAME, SHEET, HEADER, rows)
