"""The CKAN actions Socle answers, each a function of (context, data_dict) with its help text.

Every action reads through the policy: anonymous callers see public datasets only, and a
dataset they may not see is "Not Found", exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select

from socle.core.catalog import get_entry, visible_entries
from socle.core.ckan.context import CkanContext
from socle.core.ckan.datastore import datastore_search
from socle.core.ckan.errors import CkanValidationError
from socle.core.ckan.packages import license_list, organization_dict, package_dict
from socle.core.ckan.params import Params
from socle.core.ckan.search import package_search
from socle.core.organizations import list_organizations
from socle.errors import NotFoundError
from socle.governance.policy import visible_clause
from socle.storage.tables import Dataset, Organization

Action = Callable[[CkanContext, dict[str, Any]], Any]
CKAN_VERSION = "2.10.4"  # the Action API version these answers follow
ORGANIZATIONS_MAX = 1000  # ckan.group_and_organization_list_max
ORGANIZATIONS_ALL_FIELDS_MAX = 25  # ckan.group_and_organization_list_all_fields_max


def package_show(ctx: CkanContext, data: dict[str, Any]) -> dict[str, Any]:
    params = Params(data)
    ref = params.text("id", required=True)
    params.check()
    assert ref is not None
    with ctx.instance.db.session() as session:
        slug = session.scalar(
            select(Dataset.slug).where(or_(Dataset.id == ref, Dataset.slug == ref))
        )
    if slug is None:
        raise NotFoundError(f"Jeu de données « {ref} » introuvable")
    return package_dict(get_entry(ctx.instance, ctx.principal, slug), ctx.base_url)


def package_list(ctx: CkanContext, data: dict[str, Any]) -> list[str]:
    params = Params(data)
    limit = params.integer("limit", 0) if params.given("limit") else None
    offset = params.integer("offset", 0)
    params.check()
    query = select(Dataset.slug).where(visible_clause(ctx.principal)).order_by(Dataset.slug)
    with ctx.instance.db.session() as session:
        names = session.scalars(query.offset(offset).limit(limit)).all()
    return list(names)


def organization_list(ctx: CkanContext, data: dict[str, Any]) -> list[Any]:
    params = Params(data)
    all_fields = params.boolean("all_fields", False)
    maximum = ORGANIZATIONS_ALL_FIELDS_MAX if all_fields else ORGANIZATIONS_MAX
    limit = min(params.integer("limit", maximum), maximum)
    offset = params.integer("offset", 0)
    q = (params.text("q") or "").casefold()
    wanted = params.strings("organizations", json_text=False)
    key, descending = _organization_sort(params, params.text("sort") or "title asc")
    params.check()
    rows = [
        (org, count)
        for org, count in list_organizations(ctx.instance, ctx.principal)
        if (not q or q in f"{org.slug} {org.name} {org.description}".casefold())
        and (wanted is None or org.slug in wanted)
    ]
    rows.sort(key=lambda oc: oc[1] if key == "package_count" else getattr(oc[0], key).casefold())
    if descending:
        rows.reverse()
    page = rows[offset : offset + limit]
    if all_fields:
        return [organization_dict(org, count) for org, count in page]
    return [org.slug for org, _ in page]


def _organization_sort(params: Params, sort: str) -> tuple[str, bool]:
    parts = sort.split()
    field = {"name": "slug", "title": "name", "package_count": "package_count"}.get(
        parts[0] if parts else ""
    )
    direction = parts[1].lower() if len(parts) == 2 else "asc"
    if field is None or len(parts) > 2 or direction not in ("asc", "desc"):
        params.fail("sort", "Tri possible : name, title ou package_count, puis asc ou desc")
        return "name", False
    return field, direction == "desc"


def organization_show(ctx: CkanContext, data: dict[str, Any]) -> dict[str, Any]:
    params = Params(data)
    ref = params.text("id", required=True)
    include_datasets = params.boolean("include_datasets", False)
    params.check()
    with ctx.instance.db.session() as session:
        org = session.scalar(
            select(Organization).where(or_(Organization.id == ref, Organization.slug == ref))
        )
    if org is None:
        raise NotFoundError(f"Organisation « {ref} » introuvable")
    entries = [
        e
        for e in visible_entries(ctx.instance, ctx.principal)
        if e.organization and e.organization.id == org.id
    ]
    result = organization_dict(org, len(entries))
    result.update({"users": [], "groups": [], "tags": [], "extras": _org_extras(org)})
    if include_datasets:
        entries.sort(key=lambda e: e.dataset.slug)
        result["packages"] = [package_dict(e, ctx.base_url) for e in entries[:1000]]
    return result


def _org_extras(org: Organization) -> list[dict[str, str]]:
    values = {"siren": org.siren, "website": org.website, "kind": org.kind}
    return [{"key": k, "value": v} for k, v in values.items() if v]


def licenses(ctx: CkanContext, data: dict[str, Any]) -> list[dict[str, Any]]:
    return license_list()


def status_show(ctx: CkanContext, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "site_title": ctx.instance.settings.instance_name,
        "site_description": "Plateforme de données territoriales Socle",
        "site_url": ctx.base_url,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "fr",
        "extensions": ["datastore"],
    }


def help_show(ctx: CkanContext, data: dict[str, Any]) -> str:
    params = Params(data)
    name = params.text("name", required=True)
    params.check()
    if name not in ACTIONS:
        raise NotFoundError(f"Action « {name} » inconnue")
    return HELP[name]


ACTIONS: dict[str, Action] = {
    "package_search": package_search,
    "package_show": package_show,
    "package_list": package_list,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "license_list": licenses,
    "status_show": status_show,
    "help_show": help_show,
    "datastore_search": datastore_search,
}
HELP = {
    "package_search": "Recherche de jeux de données : q, fq (syntaxe Solr), rows (1000 au plus), "
    "start, sort, facet.field, facet.limit, facet.mincount.",
    "package_show": "Un jeu de données (id ou name) avec ses ressources.",
    "package_list": "Noms des jeux de données : limit, offset.",
    "organization_list": "Organisations : all_fields, sort, limit, offset, q, organizations.",
    "organization_show": "Une organisation (id ou name) : include_datasets.",
    "license_list": "Les licences possibles des jeux de données.",
    "status_show": "Nom du site, version de l'API CKAN suivie et extensions.",
    "help_show": "L'aide d'une action : name.",
    "datastore_search": "Lignes d'une ressource : resource_id, filters, q, fields, sort, "
    "distinct, limit (32000 au plus), offset, include_total, records_format.",
}


def call(ctx: CkanContext, name: str, data: dict[str, Any]) -> Any:
    """Run action ``name``; the caller checks the name is in :data:`ACTIONS`."""
    if not isinstance(data, dict):
        raise CkanValidationError({"data": ["Objet JSON attendu"]})
    return ACTIONS[name](ctx, data)
