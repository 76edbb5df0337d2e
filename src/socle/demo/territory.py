"""The demo territory: a fictional agglomeration made of 15 real communes of the Ain (01).

Codes, names, postal codes, centroids and areas are the real ones (COG, checked against the
IGN outlines); populations are rounded approximations. Everything else in the demo is
generated from these, embedded here so the demo needs no download.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postal_code: str
    lon: float
    lat: float
    population: int
    area_km2: float


@dataclass(frozen=True)
class DemoOrganization:
    slug: str
    name: str
    siren: str
    kind: str
    website: str
    description: str


# Largest first: generators that pick "the first n" communes pick the most populated.
COMMUNES = (
    Commune("01053", "Bourg-en-Bresse", "01000", 5.2456, 46.2050, 41_500, 24.1),
    Commune("01289", "Péronnas", "01960", 5.2178, 46.1714, 6_600, 17.8),
    Commune("01451", "Viriat", "01440", 5.2231, 46.2507, 6_400, 45.3),
    Commune("01344", "Saint-Denis-lès-Bourg", "01000", 5.1846, 46.2111, 5_700, 12.7),
    Commune("01024", "Attignat", "01340", 5.1798, 46.2860, 3_300, 19.0),
    Commune("01072", "Ceyzériat", "01250", 5.3196, 46.1834, 3_200, 9.2),
    Commune("01301", "Polliat", "01310", 5.1382, 46.2461, 2_500, 20.1),
    Commune("01254", "Montagnat", "01250", 5.2794, 46.1684, 2_000, 13.9),
    Commune("01065", "Buellas", "01310", 5.1452, 46.2106, 1_800, 10.3),
    Commune("01195", "Jasseron", "01250", 5.3124, 46.2148, 1_700, 18.9),
    Commune("01211", "Lent", "01240", 5.2015, 46.1163, 1_500, 31.7),
    Commune("01422", "Tossiat", "01250", 5.3036, 46.1386, 1_500, 10.2),
    Commune("01405", "Servas", "01960", 5.1794, 46.1392, 1_200, 13.0),
    Commune("01264", "Montracol", "01310", 5.1172, 46.1866, 1_000, 14.7),
    Commune("01369", "Saint-Just", "01250", 5.2841, 46.1931, 550, 3.4),
)
INSEE_CODES = [c.insee for c in COMMUNES]
BY_INSEE = {c.insee: c for c in COMMUNES}

# Street names common to every French commune, for addresses, lamps and containers.
STREETS = (
    "Rue de la Mairie",
    "Place de l'Église",
    "Grande Rue",
    "Route de Bourg",
    "Chemin des Vignes",
    "Rue du Stade",
    "Allée des Tilleuls",
    "Rue des Écoles",
    "Impasse des Acacias",
    "Rue du Lavoir",
    "Chemin de la Croix",
    "Rue de la Poste",
    "Avenue de la Gare",
    "Rue des Jardins",
    "Route de Lyon",
    "Rue Jean Moulin",
    "Rue Victor Hugo",
    "Chemin du Moulin",
    "Rue des Peupliers",
    "Place du 8 Mai 1945",
)


def of(name: str) -> str:
    """« de Viriat », « d'Attignat »: French elides *de* before a vowel."""
    return f"d'{name}" if name[0] in "AEIOUYÉÈÊÂÎ" else f"de {name}"


def luhn_valid(digits: str) -> bool:
    """The Luhn check used by SIREN and SIRET numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def with_luhn_key(stem: str) -> str:
    """``stem`` completed by the one digit that makes it Luhn-valid."""
    for key in "0123456789":
        if luhn_valid(stem + key):
            return stem + key
    raise AssertionError("unreachable: one digit always completes a Luhn number")


ORGANIZATION = DemoOrganization(
    slug="val-de-lumiere",
    name="Communauté d'agglomération du Val de Lumière",
    # Fictional, in the range of EPCI SIRENs (2000…), with a valid Luhn key.
    siren=with_luhn_key("20009999"),
    kind="EPCI / communauté d'agglomération",
    website="https://www.val-de-lumiere.example",
    description=(
        "Agglomération **fictive** de démonstration regroupant 15 communes réelles de l'Ain "
        "autour de Bourg-en-Bresse (environ 86 000 habitants). Ses compétences : mobilités, "
        "collecte des déchets, éclairage public, équipements sportifs et culturels, "
        "transition énergétique."
    ),
)
# The headquarters' establishment: SIREN + NIC 0001 + key, as the SIRET of its decisions.
ORGANIZATION_SIRET = with_luhn_key(ORGANIZATION.siren + "0001")


def demo_organization() -> DemoOrganization:
    return ORGANIZATION
