"""Subsidies to associations in the national SCDL « subventions » format (schema.data.gouv.fr,
v2.1.1), as the finance software exports it: UTF-8 with BOM, ``;``, decimal commas.

A draft prepared for the council sessions, not yet voted: hence internal. Deliberate
problems: one SIRET mistyped (wrong check digit), one beneficiary with neither SIRET nor RNA
number, and amounts with a decimal comma where the schema expects a point. The second
delivery changes one amount after the committee and adds the November session.
"""

from __future__ import annotations

from pathlib import Path

from socle.demo._files import fr_decimal, rng, second_delivery, write_csv
from socle.demo.territory import ORGANIZATION, ORGANIZATION_SIRET, with_luhn_key

SEED = 2024_06
FILENAME = "subventions-associations-2024.csv"
SCHEMA_URL = "https://gitlab.com/opendatafrance/scdl/subventions/raw/v2.1.1/schema.json"
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


def _field(name: str, type_: str = "string", **options: object) -> dict[str, object]:
    return {"name": name, "type": type_, **options}


REQUIRED = {"required": True}
# The main fields of SCDL « subventions » 2.1.1, written for the demo (not the published
# file): registered and pinned, so the quality page shows the deliberate problems.
SCHEMA = {
    "name": "subventions-scdl-demo",
    "version": "2.1.1",
    "title": "Subventions (champs principaux du SCDL 2.1.1, démonstration)",
    "description": (
        "Reprise, pour la démonstration, des champs principaux du schéma national SCDL "
        "« subventions » 2.1.1."
    ),
    "fields": [
        _field("nomAttribuant", constraints=REQUIRED),
        _field("idAttribuant", constraints={**REQUIRED, "pattern": "[0-9]{14}"}),
        _field("dateConvention", "date", constraints=REQUIRED),
        _field("referenceDecision"),
        _field("nomBeneficiaire", constraints=REQUIRED),
        _field("idBeneficiaire", constraints={"pattern": "[0-9]{14}"}),
        _field("rnaBeneficiaire", constraints={"pattern": "W[0-9]{9}"}),
        _field("objet", constraints=REQUIRED),
        _field("montant", "number", constraints={**REQUIRED, "minimum": 0}),
        _field("nature"),
        _field("conditionsVersement", constraints={"enum": ["unique", "échelonné"]}),
        _field("datesPeriodeVersement"),
        _field("idRAE"),
        _field("notificationUE", constraints={"enum": ["oui", "non"]}),
        _field("pourcentageSubvention", "number", constraints={"minimum": 0, "maximum": 1}),
        _field("dispositifAide"),
    ],
    "custom_checks": [
        {"name": "french-siret-value", "params": {"column": "idAttribuant"}},
        {"name": "french-siret-value", "params": {"column": "idBeneficiaire"}},
        {
            "name": "one-of-required",
            "params": {"column1": "idBeneficiaire", "column2": "rnaBeneficiaire"},
        },
    ],
}
# Council sessions; the last one is only in the second delivery.
SESSIONS = ("2024-02-12", "2024-04-08", "2024-06-24", "2024-09-23", "2024-11-18")
# Name, field, typical yearly operating grant in euros.
ASSOCIATIONS = (
    ("Union sportive bressane rugby", "sport", 18_000),
    ("Football club de Viriat", "sport", 6_500),
    ("Judo club de Saint-Denis-lès-Bourg", "sport", 2_800),
    ("Basket club de Ceyzériat", "sport", 3_200),
    ("Cyclo-club du Revermont", "sport", 1_200),
    ("Athlétisme Bourg-en-Bresse", "sport", 7_500),
    ("Tennis club de Péronnas", "sport", 2_400),
    ("Club de randonnée bressan", "sport", 600),
    ("Natation bressane", "sport", 9_000),
    ("École de musique du Val de Lumière", "culture", 42_000),
    ("Théâtre de la Grenette", "culture", 15_000),
    ("Les Amis de Brou", "culture", 2_500),
    ("Festival Bresse en jazz", "culture", 12_000),
    ("Harmonie municipale d'Attignat", "culture", 1_800),
    ("Cinéma associatif La Passerelle", "culture", 8_000),
    ("Chorale À travers chants", "culture", 700),
    ("Restos du cœur - antenne de Bourg-en-Bresse", "social", 9_500),
    ("Secours populaire français - comité de l'Ain", "social", 8_000),
    ("Centre social de la Reyssouze", "social", 65_000),
    ("Épicerie solidaire du Val", "social", 11_000),
    ("Association d'aide à domicile Bresse-Revermont", "social", 24_000),
    ("Mission locale jeunes Bresse", "emploi", 48_000),
    ("Initiative Bresse entreprendre", "emploi", 15_000),
    ("Jardins familiaux de Péronnas", "environnement", 900),
    ("Répar'café de Polliat", "environnement", 600),
    ("Association de protection de la Reyssouze", "environnement", 1_500),
    ("Comité des fêtes de Montagnat", "animation", 1_000),
    ("Amicale laïque de Viriat", "animation", 2_200),
    ("Sou des écoles de Jasseron", "éducation", 800),
    ("Association des parents d'élèves de Tossiat", "éducation", 500),
)
PROJECTS = {
    "sport": ("Organisation d'un tournoi régional", "Achat de matériel sportif"),
    "culture": ("Saison culturelle 2024-2025", "Résidence d'artistes dans les écoles"),
    "social": ("Aide alimentaire d'urgence hiver 2024", "Lutte contre l'isolement des aînés"),
    "emploi": ("Accompagnement des jeunes vers l'emploi", "Prêts d'honneur aux créateurs"),
    "environnement": ("Ateliers de sensibilisation au tri", "Plantation de haies"),
    "animation": ("Fête de village et marché de Noël", "Vide-greniers annuel"),
    "éducation": ("Classe de découverte", "Spectacle de fin d'année"),
}
CONVENTION_THRESHOLD = 23_000  # euros: above it, a convention and staged payments
MISTYPED_SIRET_ROW = 23
UNIDENTIFIED = "Collectif des habitants du quartier des Vennes"  # no SIRET, no RNA
REVISED = (5, 1_500.0)  # row whose amount the committee raised in the second delivery


def _identifiers(index: int) -> tuple[str, str]:
    """A fictional, Luhn-valid SIRET (SIREN + NIC) and an Ain RNA number for an association."""
    siren = with_luhn_key(f"{77_540_000 + index * 731:08d}")
    return with_luhn_key(siren + "0001"), f"W01{100_450 + index * 37:07d}"


def _row(
    session: str,
    number: int,
    beneficiary: tuple[str, str, str],
    objet: str,
    amount: float,
    share: float,
    in_kind: bool,
) -> tuple[str, ...]:
    name, siret, rna = beneficiary
    staged = amount >= CONVENTION_THRESHOLD
    year, month = session[:4], int(session[5:7])
    first_payment = f"{year}-{month + 1:02d}-15"
    return (
        ORGANIZATION.name,
        ORGANIZATION_SIRET,
        session,
        f"{year}-{month:02d}-{number:03d}",
        name,
        siret,
        rna,
        objet,
        fr_decimal(amount),
        "aide en numéraire;aide en nature" if in_kind else "aide en numéraire",
        "échelonné" if staged else "unique",
        f"{first_payment}/{year}-12-15" if staged else first_payment,
        "",
        "non",
        fr_decimal(share),
        "",
    )


def generate(directory: Path, variant: int) -> Path:
    second = second_delivery(variant)
    random = rng(SEED)
    sessions = SESSIONS if second else SESSIONS[:-1]
    rows: list[tuple[str, ...]] = []
    for session_index, session in enumerate(sessions):
        number = 0
        for association, (name, field, yearly) in enumerate(ASSOCIATIONS):
            beneficiary = (name, *_identifiers(association))
            # Operating grants at the first session (sports clubs also get the use of
            # municipal halls), projects spread over the year.
            grants: list[tuple[str, float, bool]] = []
            if session_index == 0:
                grants.append((f"Subvention de fonctionnement {session[:4]}", yearly, True))
            if random.random() < 0.3:
                project = PROJECTS[field][int(random.integers(2))]
                grants.append((project, max(300, yearly * random.uniform(0.1, 0.4)), False))
            for objet, amount, operating in grants:
                number += 1
                share = 1.0 if random.random() < 0.85 else 0.5
                in_kind = operating and field == "sport"
                rounded = round(amount / 50) * 50
                rows.append(_row(session, number, beneficiary, objet, rounded, share, in_kind))
        if session_index == 2:
            number += 1
            beneficiary = (UNIDENTIFIED, "", "")
            rows.append(_row(session, number, beneficiary, "Fête de quartier", 800, 1.0, False))
    if second:
        revised, raise_by = REVISED
        amount = float(rows[revised][8].replace(",", ".")) + raise_by
        rows[revised] = (*rows[revised][:8], fr_decimal(amount), *rows[revised][9:])
    typo = rows[MISTYPED_SIRET_ROW]
    mistyped = typo[5][:-1] + str((int(typo[5][-1]) + 1) % 10)
    rows[MISTYPED_SIRET_ROW] = (*typo[:5], mistyped, *typo[6:])
    return write_csv(directory / FILENAME, HEADER, rows, encoding="utf-8-sig", delimiter=";")
