"""An organization's register as a whole: the controller's and the DPO's contacts (the CNIL
template's first sheet) and the choice to publish it on the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from socle.errors import InputError, NotFoundError
from socle.governance.policy import Principal
from socle.governance.register._audit import logged, refused
from socle.governance.register.access import check_write, keeps
from socle.governance.register.activities import list_activities
from socle.governance.register.fields import french
from socle.instance import Instance
from socle.storage.register import ProcessingActivity, ProcessingRegister
from socle.storage.tables import Organization

CONTACT_FIELDS = (
    "controller_name",
    "controller_address",
    "controller_email",
    "controller_phone",
    "dpo_name",
    "dpo_address",
    "dpo_email",
    "dpo_phone",
)


class RegisterSettings(BaseModel):
    """What a keeper may change on the register; ``None`` leaves a field as it is."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    published: bool | None = None
    controller_name: str | None = Field(default=None, max_length=300)
    controller_address: str | None = Field(default=None, max_length=1000)
    controller_email: str | None = Field(default=None, max_length=300)
    controller_phone: str | None = Field(default=None, max_length=50)
    dpo_name: str | None = Field(default=None, max_length=300)
    dpo_address: str | None = Field(default=None, max_length=1000)
    dpo_email: str | None = Field(default=None, max_length=300)
    dpo_phone: str | None = Field(default=None, max_length=50)


@dataclass(frozen=True)
class Register:
    """An organization's register as ``principal`` sees it: ``kept`` says they keep it (all
    entries and internal contacts), otherwise it is published and shown as the public sees it."""

    organization: Organization
    settings: ProcessingRegister
    activities: list[ProcessingActivity]
    kept: bool
    editable: bool


def parse_settings(values: dict[str, Any]) -> RegisterSettings:
    try:
        return RegisterSettings(**values)
    except ValidationError as exc:
        raise InputError(f"Réglages du registre invalides : {french(exc)}") from exc


def get_register(instance: Instance, principal: Principal, organization: str) -> Register:
    """The register of ``organization``: for its keepers, or for anyone once published."""
    with instance.db.session() as session:
        org = session.scalar(select(Organization).where(Organization.slug == organization))
        settings = session.get(ProcessingRegister, org.id) if org else None
    kept = org is not None and keeps(principal, org.id)
    if org is None or not (kept or (settings is not None and settings.published)):
        if org is not None:
            refused(instance.db, principal, "read/register", organization=organization)
        raise NotFoundError(f"Registre de « {organization} » introuvable")
    return Register(
        organization=org,
        settings=settings or _blank(org.id),
        activities=list_activities(instance, principal, organization),
        kept=kept,
        editable=keeps(principal, org.id, write=True),
    )


def update_register(
    instance: Instance, principal: Principal, organization: str, settings: RegisterSettings
) -> ProcessingRegister:
    """Change the contacts, or publish / unpublish the register (logged either way)."""
    changes = settings.model_dump(exclude_unset=True)
    with instance.db.session() as session:
        org = session.scalar(select(Organization).where(Organization.slug == organization))
        if org is not None and not keeps(principal, org.id):
            refused(instance.db, principal, "write/register", organization=organization)
            org = None
        if org is None:
            raise NotFoundError(f"Registre de « {organization} » introuvable")
        check_write(principal, org.id, f"Registre de « {organization} »")
        register = session.get(ProcessingRegister, org.id)
        if register is None:
            register = _blank(org.id)
            session.add(register)
        for name, value in changes.items():
            setattr(register, name, value if value is not None else _empty(name))
        register.updated_at = datetime.now(UTC)
        logged(session, principal, "write/register", org.slug, settings=sorted(changes))
    return register


def _blank(organization_id: str) -> ProcessingRegister:
    return ProcessingRegister(
        organization_id=organization_id,
        published=False,
        updated_at=datetime.now(UTC),
        **dict.fromkeys(CONTACT_FIELDS, ""),
    )


def _empty(name: str) -> object:
    return False if name == "published" else ""
