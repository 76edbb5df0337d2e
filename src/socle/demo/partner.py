"""The demo authority's partner: the contractor of its public lighting contract, bound by an
agreement to deliver the inventory of light points every year — the second delivery of the
« eclairage-public » file arrives through that obligation, as a partner's delivery.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from socle.core.agreements import add_agreement
from socle.core.deliveries import deliver
from socle.core.obligations import ObligationTerms
from socle.core.organizations import create_organization
from socle.demo.manifest import DemoDataset
from socle.demo.territory import DemoOrganization, with_luhn_key
from socle.governance.identity import MembershipGrant, Role
from socle.governance.policy import ADMIN, Principal
from socle.instance import Instance
from socle.storage.deliveries import Obligation
from socle.storage.tables import Agreement, Organization

PARTNER = DemoOrganization(
    slug="eclairage-bresse-services",
    name="Éclairage Bresse Services",
    # Fictional, with a valid Luhn key.
    siren=with_luhn_key("89999999"),
    kind="Entreprise titulaire d'un marché public",
    website="https://www.eclairage-bresse-services.example",
    description=(
        "Entreprise **fictive** de démonstration, titulaire du marché global de performance "
        "de l'éclairage public du Val de Lumière : maintenance des points lumineux, "
        "remplacement des lampes au sodium par des LED et inventaire annuel du patrimoine."
    ),
)
AGREEMENT = "marche-eclairage-public"
DELIVERED = "eclairage-public"  # the dataset the partner delivers
STARTS_ON, ENDS_ON = date(2024, 1, 1), date(2027, 12, 31)
FIRST_DUE_ON = date(2025, 1, 31)
# When the contractor delivered the 2024 inventory: in time for its first due date.
DELIVERED_AT = datetime(2025, 1, 27, 9, 30, tzinfo=UTC)


def load_partner(instance: Instance, organization: str) -> bool:
    """Create the partner and sign the agreement with its obligation, unless it exists;
    whether it was signed now."""
    with instance.db.session() as session:
        has_partner = session.scalar(
            select(Organization.id).where(Organization.slug == PARTNER.slug)
        )
        signed = session.scalar(select(Agreement.id).where(Agreement.slug == AGREEMENT))
    if not has_partner:
        create_organization(
            instance,
            PARTNER.slug,
            PARTNER.name,
            siren=PARTNER.siren,
            kind=PARTNER.kind,
            description=PARTNER.description,
            website=PARTNER.website,
        )
    if signed:
        return False
    add_agreement(
        instance,
        ADMIN,
        AGREEMENT,
        title="Marché global de performance de l'éclairage public 2024-2027",
        organization=organization,
        partner=PARTNER.slug,
        datasets=[DELIVERED],
        starts_on=STARTS_ON,
        ends_on=ENDS_ON,
        purpose=(
            "Le titulaire tient à jour l'inventaire des points lumineux qu'il entretient et "
            "le livre chaque année à l'agglomération, qui le publie en open data ; il "
            "consulte l'inventaire publié pour préparer ses tournées de maintenance."
        ),
        legal_basis=(
            "Marché public global de performance n° 2023-EP-04 (code de la commande publique, "
            "art. L2171-3), article 9 « Données du patrimoine » du CCAP"
        ),
        hosting=(
            "Les données sont hébergées par l'agglomération sur sa plateforme, en France ; le "
            "titulaire n'en garde aucune copie au-delà de la durée du marché."
        ),
        obligations=[
            ObligationTerms(
                dataset=DELIVERED,
                frequency="ANNUAL",
                first_due_on=FIRST_DUE_ON,
                description=(
                    "Inventaire à jour au 31 décembre, en GeoJSON (Lambert-93), remplacements "
                    "de l'année inclus, livré avant le 31 janvier"
                ),
            )
        ],
    )
    return True


def deliver_inventory(instance: Instance, dataset: DemoDataset, directory: Path) -> None:
    """The contractor's delivery of the second inventory, for the agreement's obligation."""
    with instance.db.session() as session:
        partner_id, obligation_id = session.execute(
            select(Agreement.partner_id, Obligation.id)
            .join(Obligation, Obligation.agreement_id == Agreement.id)
            .where(Agreement.slug == AGREEMENT)
        ).one()
    member = Principal(
        f"{PARTNER.name} (démonstration)", memberships=(MembershipGrant(partner_id, Role.ADMIN),)
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = dataset.generate(directory, 2)
    deliver(instance, member, AGREEMENT, obligation_id, path, now=DELIVERED_AT)
