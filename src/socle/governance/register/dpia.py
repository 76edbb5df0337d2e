"""The DPIA assistant (analyse d'impact relative à la protection des données, AIPD).

Whether a DPIA is required: the EDPB's nine criteria (WP248 rev.01, « Lignes directrices
concernant l'analyse d'impact relative à la protection des données », endorsed by the EDPB
on 25 May 2018) — a processing meeting two or more of them requires one — and the CNIL's
list of processing types that always require one (CNIL, délibération n° 2018-327 du
11 octobre 2018 portant adoption de la liste des types d'opérations de traitement pour
lesquelles une AIPD est requise, JORF 6 novembre 2018). Then the DPIA's own workflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from socle.errors import ConflictError, InputError

EDPB_SOURCE = "CEPD, lignes directrices WP248 rev.01 (critères de l'AIPD)"
EDPB_CRITERIA: dict[str, str] = {
    "evaluation": "Évaluation ou notation, y compris le profilage et la prédiction",
    "automated_decision": "Décision automatisée avec effet juridique ou effet similaire",
    "systematic_monitoring": "Surveillance systématique des personnes",
    "sensitive_data": "Données sensibles ou données à caractère hautement personnel",
    "large_scale": "Données traitées à grande échelle",
    "matching": "Croisement ou combinaison d'ensembles de données",
    "vulnerable_subjects": "Personnes vulnérables (enfants, salariés, patients, usagers…)",
    "innovative_use": "Usage innovant ou nouvelle solution technologique ou organisationnelle",
    "blocks_rights": "Empêche d'exercer un droit ou de bénéficier d'un service ou contrat",
}
# Two criteria or more: a DPIA is required (EDPB).
CRITERIA_THRESHOLD = 2

CNIL_SOURCE = "CNIL, délibération n° 2018-327 du 11 octobre 2018 (liste des traitements soumis)"
CNIL_MANDATORY_TYPES: dict[str, str] = {
    "health_care": "Données de santé traitées par les établissements de santé ou médico-sociaux",
    "genetic_vulnerable": "Données génétiques de personnes vulnérables",
    "hr_profiling": "Profils de personnes à des fins de gestion des ressources humaines",
    "employee_monitoring": "Surveillance constante de l'activité des employés",
    "social_health_alerts": "Gestion des alertes et signalements en matière sociale et sanitaire",
    "professional_alerts": "Gestion des alertes et signalements en matière professionnelle",
    "health_warehouse": "Données de santé pour constituer un entrepôt de données ou un registre",
    "contract_exclusion": "Profilage pouvant exclure du bénéfice d'un contrat ou le rompre",
    "shared_breaches": "Manquements contractuels mutualisés pouvant exclure d'un contrat",
    "external_profiling": "Profilage à partir de données provenant de sources externes",
    "biometric_vulnerable": (
        "Biométrie pour reconnaître des personnes, dont des personnes vulnérables"
    ),
    "social_housing": "Instruction des demandes et gestion des logements sociaux",
    "social_support": "Accompagnement social ou médico-social des personnes",
    "location_large_scale": "Données de localisation à large échelle",
}

# The DPIA's workflow: à faire -> en cours -> avis du DPO -> validée (and back to work).
STATUSES: dict[str, str] = {
    "to_do": "À faire",
    "in_progress": "En cours",
    "dpo_opinion": "Avis du DPO",
    "validated": "Validée",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    "to_do": frozenset({"in_progress"}),
    "in_progress": frozenset({"dpo_opinion"}),
    "dpo_opinion": frozenset({"validated", "in_progress"}),
    "validated": frozenset({"in_progress"}),  # the processing changed: the DPIA is revised
}


@dataclass(frozen=True)
class Assessment:
    """Whether a DPIA is required, and why (the criteria and listed types that apply)."""

    required: bool
    criteria: tuple[str, ...]
    cnil_types: tuple[str, ...]

    @property
    def reasons(self) -> list[str]:
        reasons = [f"Type listé par la CNIL : {CNIL_MANDATORY_TYPES[t]}" for t in self.cnil_types]
        if len(self.criteria) >= CRITERIA_THRESHOLD:
            reasons.append(f"{len(self.criteria)} critères du CEPD remplis (2 suffisent)")
        return reasons


def assess(criteria: list[str], cnil_types: list[str]) -> Assessment:
    """A DPIA is required by one listed type, or by two criteria or more."""
    met = tuple(check_codes(criteria, EDPB_CRITERIA, "critère du CEPD"))
    listed = tuple(check_codes(cnil_types, CNIL_MANDATORY_TYPES, "type de traitement CNIL"))
    return Assessment(bool(listed) or len(met) >= CRITERIA_THRESHOLD, met, listed)


def check_codes(codes: list[str], vocabulary: dict[str, str], what: str) -> list[str]:
    """``codes`` without duplicates, in the vocabulary's order; an unknown one is refused."""
    unknown = sorted(set(codes) - set(vocabulary))
    if unknown:
        raise InputError(f"{what[:1].upper()}{what[1:]} inconnu : {', '.join(unknown)} ; "
                         f"attendus : {', '.join(vocabulary)}")  # fmt: skip
    return [code for code in vocabulary if code in codes]


def check_transition(current: str, target: str, *, has_opinion: bool) -> None:
    """Refuse a move the workflow does not allow, or a validation without the DPO's opinion."""
    if target not in STATUSES:
        raise InputError(f"Statut d'AIPD « {target} » inconnu ; attendus : {', '.join(STATUSES)}")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(f"{s} ({STATUSES[s]})" for s in sorted(TRANSITIONS[current]))
        raise ConflictError(
            f"L'AIPD ne peut pas passer de « {STATUSES[current]} » à « {STATUSES[target]} » ; "
            f"étape suivante possible : {allowed}"
        )
    if target == "validated" and not has_opinion:
        raise ConflictError(
            "L'AIPD ne peut pas être validée sans l'avis du DPO (texte et date) : "
            "le DPO doit d'abord le rendre"
        )
