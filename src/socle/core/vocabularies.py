"""Controlled vocabularies of the catalog: access levels, licences, EU themes and frequencies.

Licence ids are data.gouv.fr's; themes and frequencies are the EU Publications Office
authority tables that DCAT-AP uses, so the DCAT feed can emit their URIs directly.
"""

from __future__ import annotations

from enum import StrEnum


class AccessLevel(StrEnum):
    """Who may read a dataset. New datasets default to INTERNAL (fail closed)."""

    PUBLIC = "public"
    PARTNERS = "partners"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


ACCESS_LABELS_FR: dict[str, str] = {
    "public": "Public (open data)",
    "partners": "Partenaires",
    "internal": "Interne",
    "restricted": "Restreint",
}

# data.gouv.fr licence id -> (French label, URL)
LICENCES: dict[str, tuple[str, str]] = {
    "lov2": (
        "Licence Ouverte / Open Licence version 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
    ),
    "fr-lo": (
        "Licence Ouverte / Open Licence",
        "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf",
    ),
    "odc-odbl": (
        "Open Data Commons Open Database License (ODbL)",
        "https://opendatacommons.org/licenses/odbl/summary/",
    ),
    "odc-by": (
        "Open Data Commons Attribution License",
        "https://opendatacommons.org/licenses/by/summary/",
    ),
    "odc-pddl": (
        "Open Data Commons Public Domain Dedication and Licence (PDDL)",
        "https://opendatacommons.org/licenses/pddl/summary/",
    ),
    "cc-by": ("Creative Commons Attribution", "https://creativecommons.org/licenses/by/4.0/"),
    "cc-by-sa": (
        "Creative Commons Attribution Share-Alike",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "cc-zero": ("Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "notspecified": ("Licence non spécifiée", ""),
    "other-at": ("Autre (Attribution)", ""),
}

# EU data theme code -> French label
THEMES: dict[str, str] = {
    "AGRI": "Agriculture, pêche, sylviculture et alimentation",
    "ECON": "Économie et finances",
    "EDUC": "Éducation, culture et sport",
    "ENER": "Énergie",
    "ENVI": "Environnement",
    "GOVE": "Gouvernement et secteur public",
    "HEAL": "Santé",
    "INTR": "Questions internationales",
    "JUST": "Justice, système juridique et sécurité publique",
    "REGI": "Régions et villes",
    "SOCI": "Population et société",
    "TECH": "Science et technologie",
    "TRAN": "Transports",
}
THEME_URI = "http://publications.europa.eu/resource/authority/data-theme/{code}"

# EU frequency code -> French label
FREQUENCIES: dict[str, str] = {
    "CONT": "En continu",
    "UPDATE_CONT": "Mise à jour continue",
    "HOURLY": "Toutes les heures",
    "DAILY": "Quotidienne",
    "WEEKLY": "Hebdomadaire",
    "MONTHLY": "Mensuelle",
    "QUARTERLY": "Trimestrielle",
    "ANNUAL": "Annuelle",
    "IRREG": "Irrégulière",
    "NEVER": "Jamais",
    "UNKNOWN": "Inconnue",
}
FREQUENCY_URI = "http://publications.europa.eu/resource/authority/frequency/{code}"
