"""Monthly energy consumption of public buildings, as the shared energy advisor (conseiller en
énergie partagé) keeps it in Excel: one sheet, French headers with accents and units, one
row per building and month.

Gas follows the heating degree days of Bourg-en-Bresse; schools empty in summer. Deliberate
problems: a missing gas reading, an electricity reading ten times too high (corrected in the
second delivery), Buellas's INSEE code typed as a number (``1065``) and a cost column nobody
fills. The second delivery also adds a health centre opened in September.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from socle.demo._files import freeze_office_file, rng, second_delivery
from socle.demo.territory import BY_INSEE

SEED = 2024_02
FILENAME = "consommations-energie-batiments-2024.xlsx"
SHEET = "Consommations 2024"
HEADER = (
    "Identifiant bâtiment",
    "Bâtiment",
    "Catégorie",
    "Code INSEE",
    "Commune",
    "Surface (m²)",
    "Mois",
    "Électricité (kWh)",
    "Gaz (kWh)",
    "Coût (€ TTC)",
    "Commentaire",
)
# Heating degree days (base 18 °C) of an ordinary year at Bourg-en-Bresse, January first.
DEGREE_DAYS = (480, 400, 330, 230, 110, 30, 5, 10, 60, 190, 340, 450)
# Category -> (electricity, gas) in kWh per m² and year; gas 0 for heat pumps.
INTENSITY = {
    "Bureaux": (85, 95),
    "Centre aquatique": (260, 620),
    "Médiathèque": (60, 90),
    "Gymnase": (25, 110),
    "Groupe scolaire": (30, 120),
    "École": (28, 125),
    "Conservatoire": (40, 100),
    "Centre technique": (45, 0),
    "Mairie": (45, 130),
    "Salle des fêtes": (22, 85),
    "Espace culturel": (50, 95),
    "Maison de santé": (70, 0),
}
BUILDINGS = (
    ("BAT-01053-01", "Hôtel d'agglomération", "Bureaux", "01053", 4800),
    ("BAT-01053-02", "Centre aquatique des Vennes", "Centre aquatique", "01053", 5200),
    ("BAT-01053-03", "Médiathèque centrale", "Médiathèque", "01053", 3600),
    ("BAT-01053-04", "Gymnase des Vennes", "Gymnase", "01053", 2200),
    ("BAT-01053-05", "Groupe scolaire Jean Moulin", "Groupe scolaire", "01053", 3100),
    ("BAT-01053-06", "Groupe scolaire Louis Pasteur", "Groupe scolaire", "01053", 2800),
    ("BAT-01053-07", "Conservatoire", "Conservatoire", "01053", 2400),
    ("BAT-01053-08", "Centre technique communautaire", "Centre technique", "01053", 1900),
    ("BAT-01289-01", "Mairie de Péronnas", "Mairie", "01289", 900),
    ("BAT-01289-02", "Groupe scolaire des Tilleuls", "Groupe scolaire", "01289", 2000),
    ("BAT-01289-03", "Gymnase de Péronnas", "Gymnase", "01289", 1800),
    ("BAT-01451-01", "Mairie de Viriat", "Mairie", "01451", 950),
    ("BAT-01451-02", "École élémentaire de Viriat", "École", "01451", 1700),
    ("BAT-01451-03", "Salle des fêtes de Viriat", "Salle des fêtes", "01451", 800),
    ("BAT-01451-04", "Gymnase de Viriat", "Gymnase", "01451", 1600),
    ("BAT-01344-01", "Mairie de Saint-Denis-lès-Bourg", "Mairie", "01344", 800),
    ("BAT-01344-02", "Groupe scolaire du Bourg", "Groupe scolaire", "01344", 1900),
    ("BAT-01344-03", "Espace culturel", "Espace culturel", "01344", 1200),
    ("BAT-01024-01", "Mairie d'Attignat", "Mairie", "01024", 600),
    ("BAT-01024-02", "École d'Attignat", "École", "01024", 1200),
    ("BAT-01072-01", "Mairie de Ceyzériat", "Mairie", "01072", 650),
    ("BAT-01072-02", "École de Ceyzériat", "École", "01072", 1300),
    ("BAT-01072-03", "Gymnase du Revermont", "Gymnase", "01072", 1400),
    ("BAT-01301-01", "Mairie de Polliat", "Mairie", "01301", 500),
    ("BAT-01301-02", "École de Polliat", "École", "01301", 1000),
    ("BAT-01254-01", "Mairie de Montagnat", "Mairie", "01254", 450),
    ("BAT-01254-02", "École de Montagnat", "École", "01254", 900),
    ("BAT-01065-01", "Mairie de Buellas", "Mairie", "01065", 400),
    ("BAT-01065-02", "Salle polyvalente de Buellas", "Salle des fêtes", "01065", 700),
    ("BAT-01195-01", "Mairie de Jasseron", "Mairie", "01195", 420),
    ("BAT-01195-02", "École de Jasseron", "École", "01195", 850),
    ("BAT-01211-01", "Mairie de Lent", "Mairie", "01211", 400),
    ("BAT-01422-01", "Mairie de Tossiat", "Mairie", "01422", 380),
    ("BAT-01405-01", "Mairie de Servas", "Mairie", "01405", 350),
    ("BAT-01264-01", "Mairie de Montracol", "Mairie", "01264", 300),
    ("BAT-01369-01", "Mairie de Saint-Just", "Mairie", "01369", 250),
)
# Opened in September: in the second delivery only.
NEW_BUILDING = ("BAT-01301-03", "Maison de santé de Polliat", "Maison de santé", "01301", 650)
MISSING_GAS = ("BAT-01289-02", 2)
TENFOLD_ELECTRICITY = ("BAT-01451-02", 7)
INSEE_AS_NUMBER = "01065"


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    random = rng(SEED)
    noise = random.normal(1.0, 0.06, (len(BUILDINGS) + 1, 12, 2))
    total_degree_days = sum(DEGREE_DAYS)
    workbook = Workbook()
    workbook.properties.creator = "Conseil en énergie partagé"
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buildings = [*BUILDINGS, NEW_BUILDING] if second else list(BUILDINGS)
    for number, (ident, name, category, insee, surface) in enumerate(buildings):
        electricity_year, gas_year = (surface * i for i in INTENSITY[category])
        school = category in ("École", "Groupe scolaire")
        first_month = 9 if ident == NEW_BUILDING[0] else 1
        for month in range(first_month, 13):
            lighting = 1.15 if month in (1, 2, 11, 12) else 0.85 if month in (5, 6, 7) else 1.0
            holidays = {7: 0.45, 8: 0.3}.get(month, 1.0) if school else 1.0
            electricity = electricity_year / 12 * lighting * holidays * noise[number, month - 1, 0]
            gas = (
                gas_year * DEGREE_DAYS[month - 1] / total_degree_days * noise[number, month - 1, 1]
            )
            comment = None
            if (ident, month) == MISSING_GAS:
                gas, comment = 0, "relevé manquant"
            if (ident, month) == TENFOLD_ELECTRICITY and not second:
                electricity, comment = electricity * 10, "à vérifier"
            sheet.append(
                (
                    ident,
                    name,
                    category,
                    int(insee) if insee == INSEE_AS_NUMBER else insee,
                    BY_INSEE[insee].name,
                    surface,
                    dt.datetime(2024, month, 1),
                    round(electricity),
                    round(gas) if gas else None,
                    None,
                    comment,
                )
            )
            sheet.cell(sheet.max_row, 7).number_format = "mmm yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return freeze_office_file(directory / FILENAME, buffer.getvalue())
