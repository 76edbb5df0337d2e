"""Vocabularies of the RGPD register of processing activities (Art. 30), with their sources.

Codes are stable (stored, sent through the API); labels are the French words of the texts
and of the CNIL's register template (« Modèle de registre », one sheet per activity).
"""

from __future__ import annotations

# Art. 6(1) GDPR: the six lawful bases of a processing.
LEGAL_BASES: dict[str, str] = {
    "consent": "Consentement de la personne (art. 6.1.a)",
    "contract": "Exécution d'un contrat ou de mesures précontractuelles (art. 6.1.b)",
    "legal_obligation": "Respect d'une obligation légale (art. 6.1.c)",
    "vital_interests": "Sauvegarde des intérêts vitaux (art. 6.1.d)",
    "public_task": "Mission d'intérêt public ou exercice de l'autorité publique (art. 6.1.e)",
    "legitimate_interests": "Intérêts légitimes du responsable (art. 6.1.f)",
}

# The CNIL template's categories of personal data, each given its own erasure time limit.
DATA_CATEGORIES: dict[str, str] = {
    "identity": "État civil, identité, données d'identification, images",
    "personal_life": "Vie personnelle (habitudes de vie, situation familiale…)",
    "professional_life": "Vie professionnelle (CV, scolarité, formation, distinctions…)",
    "economic": "Informations d'ordre économique et financier (revenus, données bancaires…)",
    "connection": "Données de connexion (adresses IP, journaux, identifiants des terminaux…)",
    "location": "Données de localisation (déplacements, données GPS, GSM…)",
    "internet": "Internet (cookies, traceurs, données de navigation, mesure d'audience…)",
    "other": "Autres catégories de données",
}

# Sensitive data (Art. 9 and 10 GDPR, and the French NIR), flagged as such in the template.
SENSITIVE_CATEGORIES: dict[str, str] = {
    "racial_origin": "Origine raciale ou ethnique",
    "political_opinions": "Opinions politiques",
    "religious_beliefs": "Convictions religieuses ou philosophiques",
    "trade_union": "Appartenance syndicale",
    "genetic": "Données génétiques",
    "biometric": "Données biométriques aux fins d'identifier une personne de manière unique",
    "health": "Données concernant la santé",
    "sex_life": "Vie sexuelle ou orientation sexuelle",
    "criminal": "Condamnations pénales ou infractions (art. 10)",
    "nir": "Numéro d'inscription au répertoire (NIR, numéro de sécurité sociale)",
}

ALL_CATEGORIES: dict[str, str] = {**DATA_CATEGORIES, **SENSITIVE_CATEGORIES}

# The template's « Mesures de sécurité » rows.
SECURITY_MEASURES: dict[str, str] = {
    "access_control": "Contrôle d'accès des utilisateurs",
    "traceability": "Mesures de traçabilité",
    "software_protection": "Mesures de protection des logiciels",
    "backup": "Sauvegarde des données",
    "encryption": "Chiffrement des données",
    "processor_control": "Contrôle des sous-traitants",
    "other": "Autres mesures",
}

# Safeguards of a transfer outside the European Union (Art. 45 to 49 GDPR).
TRANSFER_SAFEGUARDS: dict[str, str] = {
    "adequacy": "Pays reconnu adéquat (art. 45)",
    "standard_clauses": "Clauses contractuelles types (art. 46)",
    "binding_rules": "Règles d'entreprise contraignantes (BCR, art. 47)",
    "code_of_conduct": "Code de conduite (art. 40)",
    "certification": "Certification (art. 42)",
    "derogation": "Dérogation pour une situation particulière (art. 49)",
}
