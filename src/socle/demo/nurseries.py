"""Applications for a place in the agglomeration's crèches, as the early-childhood software
exports them (CSV ``;``, UTF-8): one row per application, with the criteria the ranking
algorithm scores (demo.algorithms) and the committee's decision.

Personal data about children and their families, kept at level ``restricted``: it is what
the « places-en-creche » processing activity of the register holds, and what the demo's
anonymised aggregate (by commune and decision) is made from. No names: the software's file
number stands for the family. Deliberate problems: children not yet born have no birth date
(families apply during pregnancy), and the family quotient is empty where the family refused
its consultation. The first delivery holds the spring campaign; the second adds the autumn's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from socle.demo._files import rng, second_delivery, write_csv
from socle.demo.territory import COMMUNES

SEED = 2024_10
FILENAME = "demandes-places-creche-2024.csv"
HEADER = (
    "numero_dossier",
    "date_demande",
    "date_naissance_enfant",
    "code_insee_residence",
    "commune_residence",
    "etablissement_souhaite",
    "activite_parents",
    "fratrie_accueillie",
    "handicap_declare",
    "quotient_familial",
    "score",
    "decision",
)
NURSERIES = (
    "Multi-accueil Les Lucioles (Bourg-en-Bresse)",
    "Crèche Les Petits Mâtins (Bourg-en-Bresse)",
    "Multi-accueil Câlins Câlines (Bourg-en-Bresse)",
    "Crèche familiale Brou (Bourg-en-Bresse)",
    "Multi-accueil Les Marmousets (Péronnas)",
    "Multi-accueil Pirouette (Viriat)",
    "Crèche Les P'tits Loups (Saint-Denis-lès-Bourg)",
    "Multi-accueil Graine d'éveil (Attignat)",
    "Micro-crèche Les Coccinelles (Ceyzériat)",
)
ACTIVITIES = {  # the parents' activity and the points it scores (algorithm's parameters)
    "deux parents en activité": 20,
    "parent isolé en activité": 20,
    "un parent en activité": 10,
    "en formation ou en recherche d'emploi": 20,
}
CAMPAIGNS = (  # applications received, and their window, per delivery
    (520, dt.date(2023, 9, 1), dt.date(2024, 2, 29)),
    (380, dt.date(2024, 3, 1), dt.date(2024, 8, 31)),
)
PLACES = (0.45, 0.40)  # share of each campaign's applications that get a place


def generate(directory: Path, variant: int) -> Path:
    campaigns = CAMPAIGNS[: 2 if second_delivery(variant) else 1]
    rows: list[list[object]] = []
    for number, (count, first, last) in enumerate(campaigns):
        rows += _campaign(count, first, last, PLACES[number], len(rows), SEED + number)
    return write_csv(directory / FILENAME, HEADER, rows, delimiter=";")


def _campaign(
    count: int, first: dt.date, last: dt.date, places: float, offset: int, seed: int
) -> list[list[object]]:
    """One campaign's applications, ranked by score, the best ``places`` share admitted."""
    draw = rng(seed)
    weights = [c.population for c in COMMUNES]
    communes = draw.choice(len(COMMUNES), size=count, p=[w / sum(weights) for w in weights])
    span = (last - first).days
    rows: list[list[object]] = []
    ranks: list[tuple[int, str]] = []  # minus the score, then the date: the ranking order
    for index in range(count):
        commune = COMMUNES[int(communes[index])]
        applied = first + dt.timedelta(days=int(draw.integers(0, span + 1)))
        age_days = int(draw.integers(-150, 500))  # negative: not yet born
        born = applied - dt.timedelta(days=age_days) if age_days >= 0 else None
        activity = list(ACTIVITIES)[int(draw.choice(4, p=[0.55, 0.15, 0.2, 0.1]))]
        sibling = bool(draw.random() < 0.18)
        disability = bool(draw.random() < 0.02)
        quotient = int(draw.gamma(4.0, 260.0)) if draw.random() > 0.06 else None
        months_waiting = min(10, (last - applied).days // 30)
        score = 30 + ACTIVITIES[activity] + 15 * sibling + 25 * disability + months_waiting
        ranks.append((-score, applied.isoformat()))
        rows.append(
            [
                f"PE-{applied.year}-{offset + index + 1:04d}",
                applied.isoformat(),
                born.isoformat() if born else "",
                commune.insee,
                commune.name,
                NURSERIES[int(draw.integers(0, len(NURSERIES)))],
                activity,
                "oui" if sibling else "non",
                "oui" if disability else "non",
                "" if quotient is None else quotient,
                score,
            ]
        )
    ranked = sorted(range(count), key=ranks.__getitem__)
    admitted = set(ranked[: round(count * places)])
    for index, row in enumerate(rows):
        row.append("place attribuée" if index in admitted else "liste d'attente")
    return rows
