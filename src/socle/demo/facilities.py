"""Public facilities (équipements) listed by the communes: schools, libraries, pools, halls.

Deliberate problems: a phone number missing, and the same facility listed twice.
The second delivery updates opening hours.
"""

from __future__ import annotations

from pathlib import Path

from socle.demo._files import rng, write_csv
from socle.demo.territory import COMMUNES

KINDS = (
    ("École maternelle", "lun-mar, jeu-ven 8h30-16h30"),
    ("École élémentaire", "lun-mar, jeu-ven 8h30-16h30"),
    ("Médiathèque", "mar-sam 10h-18h"),
    ("Gymnase", "lun-dim 8h-22h"),
    ("Stade", "lun-dim 8h-21h"),
    ("Piscine", "lun-dim 11h-19h"),
    ("Salle polyvalente", "sur réservation"),
)
HEADER = (
    "identifiant",
    "nom",
    "type",
    "adresse",
    "code_postal",
    "code_insee",
    "commune",
    "telephone",
    "latitude",
    "longitude",
    "horaires",
    "accessible_pmr",
)


def generate(directory: Path, variant: int) -> Path:
    random = rng(2024_07, variant)
    rows = []
    for index in range(90):
        commune = COMMUNES[index % len(COMMUNES)]
        kind, hours = KINDS[index % len(KINDS)]
        if variant == 2 and kind == "Médiathèque":
            hours = "mar-sam 10h-19h, dim 14h-18h"
        phone = (
            f"04 74 {int(random.integers(10, 99))} {int(random.integers(10, 99))} "
            f"{int(random.integers(10, 99))}"
        )
        if index == 12:
            phone = ""
        rows.append(
            (
                f"EQ-{commune.insee}-{index:03d}",
                f"{kind} {commune.name}",
                kind,
                f"{int(random.integers(1, 120))} rue de la Mairie",
                commune.postal_code,
                commune.insee,
                commune.name,
                phone,
                round(commune.lat + random.normal(0, 0.004), 6),
                round(commune.lon + random.normal(0, 0.005), 6),
                hours,
                "oui" if random.random() < 0.7 else "non",
            )
        )
    rows.append(rows[30])  # listed twice
    return write_csv(directory / "equipements-publics.csv", HEADER, rows, delimiter=",")
