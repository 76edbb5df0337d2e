"""THE enumerating authorization test: every route of the app's route table × every kind of
caller × every access level, against the expected matrix below.

The population is built once for the module: the organization « agglo » owns one dataset
per access level (plus « vue-partielle », a ``partners`` dataset its agreement with the
partner « transdev » exposes only partly); « voisine » is another authority; « labo » a
partner without agreement. Callers use API tokens (the portal resolves them too).

A route missing from ROUTES fails ``test_every_route_is_in_the_matrix``: a new route must say
how it is checked. ``dataset`` routes answer 200 when the caller may read the dataset and 404
otherwise (exactly like a missing one); ``listing`` routes never mention what the caller cannot
see; ``signed_in`` routes answer the given status per caller.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount

from socle.api.app import create_app
from socle.config import Settings
from socle.core.agreements import add_agreement, add_obligation
from socle.core.catalog import set_steward
from socle.core.memberships import set_membership
from socle.core.metadata import parse_metadata
from socle.core.obligations import ObligationTerms
from socle.core.organizations import create_organization
from socle.core.schemas import add_schema
from socle.core.tokens import create_token
from socle.core.users import create_user
from socle.core.versions import add_version
from socle.engine.exports import FORMATS
from socle.governance.algorithms import add_algorithm, set_published
from socle.governance.policy import ADMIN
from socle.governance.register import (
    create_activity,
    link_dataset,
    parse_fields,
    parse_settings,
    update_register,
)
from socle.instance import Instance, open_instance
from socle.storage.tables import User
from tests.api.test_participation import publish_contributions
from tests.governance.test_algorithms import COMPLETE

PASSWORD = "une phrase de passe solide"
LEVELS = ("public", "partners", "internal", "restricted")
PARTIAL = "vue-partielle"  # partners level, partly exposed to « transdev »
# Values only the hidden column and the hidden row hold: none may reach the partner.
HIDDEN_VALUES = ("COLONNE-SECRETE", "LIGNE-CACHEE", "98765.5")

# Caller -> (organization, role); None for anonymous and the superadmin.
CALLERS: dict[str, tuple[str, str] | None] = {
    "anonymous": None,
    "agent_owner": ("agglo", "agent"),
    "agent_other": ("voisine", "agent"),
    "partner_with": ("transdev", "partner"),
    "partner_without": ("labo", "partner"),
    "dpo": ("agglo", "dpo"),
    "steward": ("agglo", "steward"),
    "superadmin": None,
}
# THE expected matrix: which access levels each caller reads.
READS: dict[str, set[str]] = {
    "anonymous": {"public"},
    "agent_owner": {"public", "partners", "internal"},
    "agent_other": {"public"},
    "partner_with": {"public", "partners"},
    "partner_without": {"public"},
    "dpo": {"public", "partners", "internal", "restricted"},
    "steward": {"public", "partners", "internal"},
    "superadmin": {"public", "partners", "internal", "restricted"},
}

# Path parameter -> value used when calling a route.
SAMPLE_VALUES = {
    "number": "1",
    "fmt": "csv",
    "feature_id": "1",
    "reference": "lieux@1",
    "name": "package_search",  # CKAN actions: the search must not count hidden datasets
    "token_id": "inconnu",
    "notification_id": "inconnue",
}
# The register's unpublished entry (linked to every dataset) and who keeps its register.
REGISTER_ENTRY = "traitement-agglo"
REGISTER_KEEPERS = {"dpo", "superadmin"}
REGISTER_VALUES = {"entry": REGISTER_ENTRY, "fmt": "xlsx", "dataset": "niveau-public"}
REGISTER_BODIES = {
    "/api/v1/register": {"organization": "agglo", "slug": "autre", "name": "Autre"},
    "/api/v1/register/{entry}/datasets": {"dataset": "niveau-public"},
    "/api/v1/register/{entry}/dpia/status": {"status": "in_progress"},
    "/api/v1/organizations/{slug}/register": {"published": True},
}
# Identifiers of the published reuse and answered request, set when the population is built.
CONTRIBUTED: dict[str, str] = {}
# Routes for the DPO and administrators only: they do not exist for anyone else.
ADMIN_ONLY = {"superadmin"}
# The OpenID Connect routes: no provider is configured here, so they do not exist (404), and a
# logout return nobody asked for is refused (400).
OIDC_GET = {
    "/connexion/oidc/{provider}": 404,
    "/connexion/oidc/{provider}/retour": 404,
    "/deconnexion/retour": 400,
}
SIGNED_IN_GET = {
    **OIDC_GET,
    "/api/v1/me": 200,
    "/api/v1/me/notifications": 200,
    "/mon-compte": 303,
    "/connexion/code": 303,
}
ANONYMOUS_GET = {
    **OIDC_GET,
    "/api/v1/me": 401,
    "/api/v1/me/notifications": 401,
    "/mon-compte": 303,
    "/connexion/code": 303,
    "/conventions": 303,
}
# (method, path) -> how it is checked.
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/openapi.json"): "exempt: describes routes, holds no data",
    ("GET", "/api/v1/docs"): "exempt: static documentation page",
    ("GET", "/api/v1/datasets"): "listing",
    ("GET", "/api/v1/datasets/{slug}"): "dataset",
    ("GET", "/api/v1/datasets/{slug}/versions"): "dataset",
    ("GET", "/api/v1/datasets/{slug}/versions/{number}"): "dataset",
    ("GET", "/api/v1/datasets/{slug}/quality"): "dataset",
    ("GET", "/api/v1/datasets/{slug}/records"): "dataset",
    ("GET", "/api/v1/datasets/{slug}/exports/{fmt}"): "dataset",
    ("GET", "/api/v1/organizations"): "listing",
    ("GET", "/api/v1/organizations/{slug}"): "listing",
    ("GET", "/api/v1/schemas"): "listing",
    ("GET", "/api/v1/schemas/{reference}"): "listing",
    ("GET", "/api/v1/me"): "signed_in",
    ("GET", "/catalog"): "listing",
    ("GET", "/organizations/{slug}/catalog"): "listing",
    ("GET", "/catalog.ttl"): "listing",
    ("GET", "/organizations/{slug}/catalog.ttl"): "listing",
    ("GET", "/catalog.rdf"): "listing",
    ("GET", "/organizations/{slug}/catalog.rdf"): "listing",
    ("GET", "/catalog.jsonld"): "listing",
    ("GET", "/organizations/{slug}/catalog.jsonld"): "listing",
    ("GET", "/api/explore/v2.1/catalog/datasets"): "listing",
    ("GET", "/api/explore/v2.1/catalog/facets"): "listing",
    ("GET", "/api/explore/v2.1/catalog/datasets/{slug}"): "dataset",
    ("GET", "/api/explore/v2.1/catalog/datasets/{slug}/records"): "dataset",
    ("GET", "/api/explore/v2.1/catalog/datasets/{slug}/records/{record_id}"): "dataset",
    ("GET", "/api/explore/v2.1/catalog/datasets/{slug}/facets"): "dataset",
    ("GET", "/api/explore/v2.1/catalog/datasets/{slug}/exports/{fmt}"): "dataset",
    ("GET", "/api/action/{name}"): "listing",
    ("POST", "/api/action/{name}"): "listing",
    ("GET", "/api/3/action/{name}"): "listing",
    ("POST", "/api/3/action/{name}"): "listing",
    ("GET", "/api/ogc"): "listing",
    ("GET", "/api/ogc/conformance"): "listing",
    ("GET", "/api/ogc/api"): "listing",
    ("GET", "/api/ogc/collections"): "listing",
    ("GET", "/api/ogc/collections/{slug}"): "dataset",
    ("GET", "/api/ogc/collections/{slug}/queryables"): "dataset",
    ("GET", "/api/ogc/collections/{slug}/items"): "dataset",
    ("GET", "/api/ogc/collections/{slug}/items/{feature_id}"): "dataset",
    ("GET", "/"): "listing",
    ("GET", "/jeux-de-donnees"): "listing",
    ("GET", "/jeux-de-donnees/{slug}"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/api"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/telechargements"): "dataset",
    ("GET", "/embed/jeux-de-donnees/{slug}/tableau"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/tableau"): "dataset",
    ("GET", "/embed/jeux-de-donnees/{slug}/graphique"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/graphique"): "dataset",
    ("GET", "/embed/jeux-de-donnees/{slug}/carte"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/carte"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/carte/objets.geojson"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/qualite"): "dataset",
    ("GET", "/organisations"): "listing",
    ("GET", "/organisations/{slug}"): "listing",
    ("GET", "/schemas"): "listing",
    ("GET", "/schemas/{reference}"): "listing",
    ("GET", "/connexion"): "listing",
    ("GET", "/connexion/code"): "signed_in",
    ("GET", "/mon-compte"): "signed_in",
    # Forms: they act on the caller's own account and never show a dataset; without the
    # session's CSRF token they must refuse (checked in test_forms_refuse_without_csrf).
    ("POST", "/connexion"): "form",
    ("POST", "/connexion/code"): "form",
    ("POST", "/deconnexion"): "form",
    ("POST", "/mon-compte/mot-de-passe"): "form",
    ("POST", "/mon-compte/jetons"): "form",
    ("POST", "/mon-compte/jetons/{token_id}/revocation"): "form",
    ("POST", "/mon-compte/double-authentification"): "form",
    ("POST", "/mon-compte/double-authentification/confirmation"): "form",
    ("POST", "/mon-compte/double-authentification/desactivation"): "form",
    # Notifications: each caller's own inbox (tests/api/test_notifications checks who gets what).
    ("GET", "/api/v1/me/notifications"): "signed_in",
    ("POST", "/mon-compte/notifications/{notification_id}/lue"): "form",
    # Usage statistics.
    ("GET", "/api/v1/datasets/{slug}/stats"): "dataset",
    ("GET", "/api/v1/stats"): "listing",
    ("GET", "/a-propos/api"): "listing",
    ("GET", "/statistiques"): "listing",
    # Audit log: superadmins, the organization's DPO and admins (their part); moderation:
    # superadmins only; 404 for everyone else.
    ("GET", "/api/v1/audit"): "oversight",
    ("GET", "/api/v1/audit.csv"): "oversight",
    ("GET", "/journal"): "oversight",
    ("GET", "/journal.csv"): "oversight",
    ("GET", "/moderation"): "admin_only",
    ("POST", "/moderation/{item_id}/publier"): "form",
    ("POST", "/moderation/{item_id}/refuser"): "form",
    # Participation: a published reuse and an answered request cite a hidden dataset.
    ("GET", "/api/v1/datasets/{slug}/reuses"): "dataset",
    ("GET", "/api/v1/datasets/{slug}/comments"): "dataset",
    ("GET", "/jeux-de-donnees/{slug}/commenter"): "dataset",
    ("POST", "/jeux-de-donnees/{slug}/commenter"): "form",
    ("GET", "/api/v1/reuses"): "listing",
    ("GET", "/api/v1/reuses/{reuse_id}"): "listing",
    ("GET", "/api/v1/requests"): "listing",
    ("GET", "/api/v1/requests/{request_id}"): "listing",
    ("GET", "/reutilisations"): "listing",
    ("GET", "/reutilisations/{reuse_id}"): "listing",
    ("GET", "/reutilisations/{reuse_id}/image"): "listing",
    ("GET", "/reutilisations/proposer"): "listing",
    ("POST", "/reutilisations/proposer"): "form",
    ("GET", "/demandes"): "listing",
    ("GET", "/demandes/{request_id}"): "listing",
    ("GET", "/demandes/nouvelle"): "listing",
    ("POST", "/demandes/nouvelle"): "form",
    # Retention: a dataset's rule is written by its editors; the upcoming purges of an
    # organization are shown to its DPO, admins and data officers and to superadmins.
    ("PUT", "/api/v1/datasets/{slug}/retention"): "dataset_write",
    ("DELETE", "/api/v1/datasets/{slug}/retention"): "dataset_write",
    ("GET", "/api/v1/organizations/{slug}/retention"): "oversight",
    ("GET", "/organisations/{slug}/conservation"): "oversight",
    # Anonymisation: a derived dataset's report, for its readers (tests/api/test_anonymisation).
    ("GET", "/api/v1/datasets/{slug}/anonymisation"): "dataset",
    # oidc: the sign-in flow's routes hold no data; here no provider is configured, so they
    # do not exist (404), and a logout return nobody asked for is refused (400).
    ("GET", "/connexion/oidc/{provider}"): "signed_in",
    ("GET", "/connexion/oidc/{provider}/retour"): "signed_in",
    ("GET", "/deconnexion/retour"): "signed_in",
    # RGPD register (register slice): « agglo »'s register is unpublished, so only its keepers
    # (the DPO here, and the superadmin) see it; every caller holds a read-only token, so
    # keepers get 403 on writes and everyone else 404 (test_register_routes_follow_keepers).
    ("GET", "/api/v1/register"): "listing",
    ("POST", "/api/v1/register"): "register_write",
    ("GET", "/api/v1/register/{entry}"): "register",
    ("PATCH", "/api/v1/register/{entry}"): "register_write",
    ("POST", "/api/v1/register/{entry}/datasets"): "register_write",
    ("DELETE", "/api/v1/register/{entry}/datasets/{dataset}"): "register_write",
    ("POST", "/api/v1/register/{entry}/dpia/status"): "register_write",
    ("GET", "/api/v1/organizations/{slug}/register"): "register",
    ("PATCH", "/api/v1/organizations/{slug}/register"): "register_write",
    ("GET", "/api/v1/organizations/{slug}/register.{fmt}"): "register",
    ("GET", "/registre"): "listing",
    ("GET", "/registre/nouveau"): "register_edit_page",
    ("GET", "/registre/{entry}"): "register",
    ("GET", "/registre/{entry}/modifier"): "register_edit_page",
    ("GET", "/organisations/{slug}/registre"): "register",
    ("GET", "/organisations/{slug}/registre/impression"): "register",
    ("POST", "/registre/nouveau"): "form",
    ("POST", "/registre/{entry}/modifier"): "form",
    ("POST", "/registre/{entry}/aipd"): "form",
    ("POST", "/registre/{entry}/jeux"): "form",
    ("POST", "/registre/{entry}/jeux/retirer"): "form",
    ("POST", "/organisations/{slug}/registre"): "form",
    # Algorithm register: the published entry cites a dataset of every level; a draft exists
    # only for the owning organization's keepers (test_algorithm_drafts_...).
    ("GET", "/api/v1/algorithms"): "listing",
    ("GET", "/api/v1/algorithms.json"): "listing",
    ("GET", "/api/v1/algorithms.csv"): "listing",
    ("GET", "/api/v1/algorithms/{algorithm}"): "listing",
    ("GET", "/api/v1/algorithms/{algorithm}/revisions"): "listing",
    ("GET", "/algorithmes"): "listing",
    ("GET", "/algorithmes/{algorithm}"): "listing",
    # deliveries: agreements exist for their followers (the owner's admin, data officer and
    # stewards, the partner's members); the board for the owner's followers only; only the
    # partner's members deliver, with a writing API token (the matrix's tokens only read).
    ("GET", "/api/v1/agreements"): "listing",
    ("GET", "/api/v1/agreements/{slug}"): "agreement",
    ("POST", "/api/v1/agreements/{slug}/obligations/{obligation_id}/deliveries"): "delivery",
    ("GET", "/api/v1/organizations/{slug}/deliveries"): "board",
    ("GET", "/conventions"): "listing",
    ("GET", "/conventions/nouvelle"): "admin_only",  # signers: no agglo admin among callers
    ("POST", "/conventions/nouvelle"): "form",
    ("GET", "/conventions/{slug}"): "agreement",
    ("POST", "/conventions/{slug}/obligations/{obligation_id}/livraisons"): "form",
    ("POST", "/conventions/{slug}/obligations"): "form",
    ("GET", "/organisations/{slug}/livraisons"): "board",
}
# Who edits each level's dataset (« steward » is the référent of « niveau-internal » only).
WRITES: dict[str, set[str]] = {
    "superadmin": {f"niveau-{level}" for level in LEVELS} | {PARTIAL},
    "steward": {"niveau-internal"},
}
# Who sees the retention outlook of « agglo » (its DPO; admins and data officers too).
OVERSEERS = {"dpo", "superadmin"}
# Routes serving geographic datasets only (every dataset here is geographic; tests/api/test_ogc
# imports this to run its own check).
GEO_ONLY = "/api/ogc/collections/{slug}"


def walk(routes: list[Any], prefix: str = "") -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, including those of included routers.

    Recent FastAPI keeps included routers as one node (``include_context`` holds the prefix).
    """
    found = []
    for route in routes:
        if isinstance(route, Mount):
            continue  # static assets
        context = getattr(route, "include_context", None)
        if context is not None:
            found += walk(route.original_router.routes, prefix + context.prefix)
        else:
            found.append((prefix + route.path, set(getattr(route, "methods", None) or ())))
    return found


def route_table(client: TestClient) -> set[tuple[str, str]]:
    routes = walk(client.app.routes)  # type: ignore[attr-defined]
    return {(m, path) for path, methods in routes for m in methods if m != "HEAD"}


def get_routes(client: TestClient) -> list[str]:
    """GET paths that serve data (tests/api/test_ogc uses them too)."""
    return sorted(
        path
        for method, path in route_table(client)
        if method == "GET" and not ROUTES.get((method, path), "").startswith("exempt")
    )


def fill(path: str, slug: str, values: dict[str, str] | None = None) -> str:
    chosen = {**SAMPLE_VALUES, **CONTRIBUTED, **(values or {})}

    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return slug if name == "slug" else chosen.get(name, "agglo")

    return re.sub(r"\{([^}]+)\}", value, path)


def places(extra: bool) -> dict[str, Any]:
    rows = [("Gare", 12.5, "a"), ("Mairie", 300.0, "b")]
    if extra:
        rows.append(("LIGNE-CACHEE", 98765.5, "COLONNE-SECRETE"))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [5.2 + i / 100, 46.2]},
            "properties": {"nom": nom, "montant": montant, "note": note},
        }
        for i, (nom, montant, note) in enumerate(rows)
    ]
    return {"type": "FeatureCollection", "features": features}


def populate(instance: Instance, folder: Path) -> dict[str, str]:
    """The module's population; returns each caller's API token (empty for anonymous)."""
    for slug, name in [
        ("agglo", "Agglomération du Val"),
        ("voisine", "Commune voisine"),
        ("transdev", "Délégataire transport"),
        ("labo", "Laboratoire"),
    ]:
        create_organization(instance, slug, name)
    add_schema(
        instance,
        ADMIN,
        {"name": "lieux", "version": "1", "fields": [{"name": "nom"}]},
        "lieux.json",
    )
    for slug, level in [*((f"niveau-{lv}", lv) for lv in LEVELS), (PARTIAL, "partners")]:
        source = folder / f"{slug}.geojson"
        source.write_text(json.dumps(places(slug == PARTIAL)), encoding="utf-8")
        metadata = parse_metadata(title=f"Lieux zz{slug}zz", access=level)
        add_version(instance, ADMIN, source, slug, organization="agglo", metadata=metadata)
    secrets = {"anonymous": ""}
    for caller, membership in CALLERS.items():
        if caller == "anonymous":
            continue
        email = f"{caller.replace('_', '-')}@exemple.fr"
        user = create_user(instance, email, PASSWORD, superadmin=caller == "superadmin")
        if membership is not None:
            set_membership(instance, membership[0], email, membership[1])
        secrets[caller] = create_token(instance, user.id, "matrice", "read")[1]
    set_steward(instance, ADMIN, "niveau-internal", "steward@exemple.fr")
    add_agreement(
        instance,
        ADMIN,
        "transport",
        title="Convention transport",
        organization="agglo",
        partner="transdev",
        datasets=["niveau-partners", "niveau-internal"],  # never opens the internal one
    )
    add_agreement(
        instance,
        ADMIN,
        "transport-partiel",
        title="Convention partielle",
        organization="agglo",
        partner="transdev",
        datasets=[PARTIAL],
        columns=["nom", "montant", "geometry"],
        rows="montant < 1000",
    )
    CONTRIBUTED.update(publish_contributions(instance, cited=["niveau-public", "niveau-internal"]))
    entry = parse_fields({"name": "Traitement zzregistrezz", "contact_name": "Contact zzinternezz"})
    create_activity(instance, ADMIN, "agglo", REGISTER_ENTRY, entry)
    for slug in [*(f"niveau-{lv}" for lv in LEVELS), PARTIAL]:
        link_dataset(instance, ADMIN, REGISTER_ENTRY, slug)
    CONTRIBUTED.update(register_algorithms(instance))
    # The partner must deliver a dataset it reads: an obligation names its dataset to the
    # partner, which must not be how a hidden one comes to light.
    due = date.today() + timedelta(days=30)
    terms = ObligationTerms("niveau-partners", "MONTHLY", due)
    CONTRIBUTED["obligation_id"] = add_obligation(instance, ADMIN, "transport", terms).id
    return secrets


# The algorithm register's draft, and who keeps agglo's register (reads its drafts).
DRAFT = "fiche-en-cours"
DRAFT_MARKER = "zzbrouillonzz"
ALGORITHM_KEEPERS = {"dpo", "steward", "superadmin"}


# algoregister: voisine's published register entry, cited by its published entry and its draft.
NEIGHBOUR_ENTRY = "traitement-voisine"
NEIGHBOUR_PUBLISHED = "fiche-voisine"
NEIGHBOUR_DRAFT_MARKER = "zzbrouillon-voisinezz"


def register_algorithms(instance: Instance) -> dict[str, str]:
    """A published entry citing every dataset and agglo's unpublished register entry, and a
    draft citing the restricted dataset and that entry; voisine's published entry and draft
    citing its published register's entry."""
    every = [s for level in LEVELS for s in datasets_of(level)]
    cited = [REGISTER_ENTRY]
    add_algorithm(
        instance,
        ADMIN,
        "tarifs",
        organization="agglo",
        content=COMPLETE,
        datasets=every,
        processings=cited,
    )
    set_published(instance, ADMIN, "tarifs", True)
    draft = {"name": f"Fiche {DRAFT_MARKER}"}
    add_algorithm(
        instance,
        ADMIN,
        DRAFT,
        organization="agglo",
        content=draft,
        datasets=datasets_of("restricted"),
        processings=cited,
    )
    create_activity(
        instance, ADMIN, "voisine", NEIGHBOUR_ENTRY, parse_fields({"name": "Traitement voisin"})
    )
    update_register(instance, ADMIN, "voisine", parse_settings({"published": True}))
    for slug, content in (
        (NEIGHBOUR_PUBLISHED, COMPLETE),
        ("brouillon-voisine", {"name": f"Fiche {NEIGHBOUR_DRAFT_MARKER}"}),
    ):
        add_algorithm(
            instance,
            ADMIN,
            slug,
            organization="voisine",
            content=content,
            processings=[NEIGHBOUR_ENTRY],
        )
    set_published(instance, ADMIN, NEIGHBOUR_PUBLISHED, True)
    return {"algorithm": "tarifs"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("matrix")
    instance = open_instance(Settings(home=folder / "home"))
    secrets = populate(instance, folder)
    with TestClient(create_app(instance.settings, instance)) as client:
        yield client, secrets
    instance.close()


def headers(secrets: dict[str, str], caller: str) -> dict[str, str]:
    secret = secrets[caller]
    return {"Authorization": f"Bearer {secret}"} if secret else {}


def datasets_of(level: str) -> list[str]:
    return [f"niveau-{level}"] + ([PARTIAL] if level == "partners" else [])


def record_id(client: TestClient, secrets: dict[str, str], slug: str, caller: str) -> str:
    """The first record's id as ``caller`` sees it (it hashes the columns they see)."""
    url = f"/api/explore/v2.1/catalog/datasets/{slug}/records?limit=1&order_by=nom"
    auth = headers(secrets, caller)
    response = client.get(url, params={"include_links": "true"}, headers=auth)
    return str(response.json()["results"][0]["_id"])


def test_every_route_is_in_the_matrix(world: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = world
    table = route_table(client)
    assert table - set(ROUTES) == set(), "new route(s) without an entry in ROUTES"
    assert set(ROUTES) - table == set(), "ROUTES lists routes the app no longer has"


@pytest.mark.parametrize("caller", list(CALLERS))
def test_dataset_routes_follow_the_matrix(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    auth = headers(secrets, caller)
    paths = [path for (m, path), kind in ROUTES.items() if kind == "dataset" and m == "GET"]
    for level in LEVELS:
        expected = 200 if level in READS[caller] else 404
        for slug in datasets_of(level):
            reader = caller if expected == 200 else "dpo"
            ids = {"record_id": record_id(client, secrets, slug, reader)}
            for path in paths:
                url = fill(path, slug, ids)
                response = client.get(url, headers=auth)
                assert response.status_code == expected, f"{caller} {level} {url}"
        missing = client.get(fill("/api/v1/datasets/{slug}", "inexistant"), headers=auth)
        assert missing.status_code == 404 and missing.headers["content-type"] == (
            "application/problem+json"
        )


@pytest.mark.parametrize("caller", list(CALLERS))
def test_listings_never_mention_what_the_caller_cannot_see(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    auth = headers(secrets, caller)
    hidden = [s for lv in LEVELS if lv not in READS[caller] for s in datasets_of(lv)]
    shown = [s for lv in LEVELS if lv in READS[caller] for s in datasets_of(lv)]
    for (method, path), kind in ROUTES.items():
        if kind not in ("listing", "signed_in"):
            continue
        url = fill(path, "agglo")
        response = client.request(method, url, headers=auth, follow_redirects=False)
        statuses = ANONYMOUS_GET if caller == "anonymous" else SIGNED_IN_GET
        assert response.status_code == statuses.get(path, 200), f"{caller} {method} {url}"
        text = response.text.lower()
        for slug in hidden:
            assert f"zz{slug}zz" not in text and slug not in text, f"{url} shows {slug}"
    counts = {
        "/api/v1/datasets": "total_count",
        "/api/explore/v2.1/catalog/datasets": "total_count",
    }
    for url, key in counts.items():
        assert client.get(url, headers=auth).json()[key] == len(shown), url
    found = client.get("/api/3/action/package_search", headers=auth).json()["result"]
    assert found["count"] == len(shown)
    facets = client.get("/api/v1/datasets", headers=auth).json().get("facets", {})
    for values in facets.values():
        assert all(v["count"] <= len(shown) for v in values)


@pytest.mark.parametrize("caller", list(CALLERS))
def test_admin_only_routes_do_not_exist_for_others(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    expected = 200 if caller in ADMIN_ONLY else 404
    for (method, path), kind in ROUTES.items():
        if kind == "admin_only":
            response = client.request(method, fill(path, "agglo"), headers=headers(secrets, caller))
            assert response.status_code == expected, f"{caller} {path}"


@pytest.mark.parametrize("caller", list(CALLERS))
def test_register_routes_follow_keepers(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    auth = headers(secrets, caller)
    keeper = caller in REGISTER_KEEPERS
    for (method, path), kind in ROUTES.items():
        url = fill(path, "agglo", REGISTER_VALUES)
        if kind == "register":
            response = client.get(url, headers=auth)
            assert response.status_code == (200 if keeper else 404), f"{caller} {url}"
            if not keeper:
                assert "zzregistrezz" not in response.text and "zzinternezz" not in response.text
        elif kind == "register_write":
            body = REGISTER_BODIES.get(path, {"name": "Modifié"})
            response = client.request(method, url, headers=auth, json=body)
            assert response.status_code == (403 if keeper else 404), f"{caller} {method} {url}"
        elif kind == "register_edit_page":  # editing needs a credential that may write
            assert client.get(url, headers=auth).status_code == 404, f"{caller} {url}"
    for url in ("/api/v1/register", "/registre"):
        assert ("zzregistrezz" in client.get(url, headers=auth).text) == keeper, f"{caller} {url}"
    entry = client.get(f"/api/v1/register/{REGISTER_ENTRY}", headers=headers(secrets, "dpo"))
    assert entry.json()["name"] == "Traitement zzregistrezz"  # nothing was changed


@pytest.mark.parametrize("caller", list(CALLERS))
def test_algorithm_drafts_exist_for_their_keepers_only(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    auth = headers(secrets, caller)
    keeper = caller in ALGORITHM_KEEPERS
    for method, path in ROUTES:
        if "{algorithm}" not in path:
            continue
        response = client.request(method, fill(path, "agglo", {"algorithm": DRAFT}), headers=auth)
        assert response.status_code == (200 if keeper else 404), f"{caller} {path}"
        if keeper and path.endswith("{algorithm}"):  # the cited dataset, through the policy
            cited = "niveau-restricted" in response.text
            assert cited == ("restricted" in READS[caller]), f"{caller} {path}"
    for url in ("/api/v1/algorithms", "/algorithmes"):
        listed = DRAFT_MARKER in client.get(url, headers=auth).text
        assert listed == keeper, f"{caller} {url}"
    for url in ("/api/v1/algorithms.json", "/api/v1/algorithms.csv"):  # published entries only
        assert DRAFT_MARKER not in client.get(url, headers=auth).text
    # algoregister: the published entry cites agglo's unpublished register entry; only the
    # register's keepers see it named, in the entry, the lists and the exports.
    register_keeper = caller in REGISTER_KEEPERS
    for url in (
        "/api/v1/algorithms/tarifs",
        "/algorithmes/tarifs",
        "/api/v1/algorithms",
        "/api/v1/algorithms.json",
        "/api/v1/algorithms.csv",
    ):
        text = client.get(url, headers=auth).text
        assert ("zzregistrezz" in text) == register_keeper, f"{caller} {url}"
        assert (REGISTER_ENTRY in text) == register_keeper, f"{caller} {url}"
    # voisine's published register entry: everyone sees it cited, and on its page the
    # published entry citing it; its draft only for voisine's keepers (none but the superadmin).
    for url in (f"/api/v1/algorithms/{NEIGHBOUR_PUBLISHED}", f"/algorithmes/{NEIGHBOUR_PUBLISHED}"):
        assert NEIGHBOUR_ENTRY in client.get(url, headers=auth).text, f"{caller} {url}"
    for url in (f"/api/v1/register/{NEIGHBOUR_ENTRY}", f"/registre/{NEIGHBOUR_ENTRY}"):
        response = client.get(url, headers=auth)
        assert response.status_code == 200 and NEIGHBOUR_PUBLISHED in response.text, url
        drafts = NEIGHBOUR_DRAFT_MARKER in response.text
        assert drafts == (caller == "superadmin"), f"{caller} {url}"
    cited_by = client.get(f"/api/v1/register/{REGISTER_ENTRY}", headers=auth)
    if register_keeper:  # agglo's DPO keeps both registers: the draft is listed too
        assert [a["slug"] for a in cited_by.json()["algorithms"]] == [DRAFT, "tarifs"]
    else:
        assert cited_by.status_code == 404


def test_forms_refuse_without_csrf(world: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = world
    for (method, path), kind in ROUTES.items():
        if kind != "form":
            continue
        for caller in ("anonymous", "agent_owner"):
            response = client.request(
                method, fill(path, "agglo"), headers=headers(secrets, caller), data={}
            )
            assert response.status_code in (303, 400, 401, 403, 422), f"{caller} {path}"


# deliveries: agreements, boards and deliveries -----------------------------------------------

AGREEMENT_FOLLOWERS = {"partner_with", "steward", "superadmin"}
BOARD_FOLLOWERS = {"steward", "superadmin"}
# The agreement and the organization each kind of route is called with.
FOLLOWED = {"agreement": ("transport", AGREEMENT_FOLLOWERS), "board": ("agglo", BOARD_FOLLOWERS)}


@pytest.mark.parametrize("caller", list(CALLERS))
def test_agreements_and_boards_exist_for_their_followers_only(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    hidden = [s for lv in LEVELS if lv not in READS[caller] for s in datasets_of(lv)]
    for (method, path), kind in ROUTES.items():
        if kind not in FOLLOWED:
            continue
        slug, followers = FOLLOWED[kind]
        response = client.request(method, fill(path, slug), headers=headers(secrets, caller))
        assert response.status_code == (200 if caller in followers else 404), f"{caller} {path}"
        for dataset in hidden:
            assert dataset not in response.text.lower(), f"{path} shows {dataset} to {caller}"


def test_the_partner_is_not_told_the_row_filter(world: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = world
    for url in ("/api/v1/agreements", "/api/v1/agreements/transport-partiel"):
        for caller, told in (("partner_with", False), ("steward", True)):
            response = client.get(url, headers=headers(secrets, caller))
            assert response.status_code == 200
            assert ("montant < 1000" in response.text) is told, f"{caller} {url}"
    page = client.get("/conventions/transport-partiel", headers=headers(secrets, "partner_with"))
    assert "vue-partielle" in page.text and "1000" not in page.text


@pytest.mark.parametrize("caller", list(CALLERS))
def test_only_the_partners_members_deliver(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    expected = {"anonymous": 401, "partner_with": 403}.get(caller, 404)  # read-only tokens
    for (method, path), kind in ROUTES.items():
        if kind == "delivery":
            url = fill(path, "transport")
            files = {"file": ("livraison.csv", b"nom\nGare\n", "text/csv")}
            response = client.request(method, url, headers=headers(secrets, caller), files=files)
            assert response.status_code == expected, f"{caller} {path}"
    versions = client.get(
        "/api/v1/datasets/niveau-partners/versions", headers=headers(secrets, "dpo")
    )
    assert len(versions.json()["results"]) == 1


# Restricted rows and columns -----------------------------------------------------------------


def readable_text(response: Any, fmt: str) -> str:
    """What a body says, binary formats included."""
    if fmt == "parquet":
        return str(pq.read_table(io.BytesIO(response.content)).to_pylist())
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return str([list(row) for sheet in book for row in sheet.iter_rows(values_only=True)])
    return response.text


def assert_no_hidden_value(what: str, text: str) -> None:
    for value in HIDDEN_VALUES:
        assert value not in text, f"{what} leaks « {value} »"


PARTIAL_URLS = [
    "/api/v1/datasets/{slug}",
    "/api/v1/datasets/{slug}/versions",
    "/api/v1/datasets/{slug}/versions/1",
    "/api/v1/datasets/{slug}/quality",
    "/api/v1/datasets/{slug}/records?limit=100",
    "/api/v1/datasets/{slug}/records?where=nom%20is%20not%20null&limit=100",
    "/api/v1/datasets/{slug}/records?select=count(*)%20as%20n,max(montant)%20as%20m",
    "/api/v1/datasets/{slug}/records?group_by=nom&select=count(*)%20as%20n",
    "/api/v1/datasets/{slug}/records?where=note%20is%20not%20null",  # hidden column: error
    "/api/v1/datasets/{slug}/records?where=montant%20%3E",  # syntax error
    "/api/v1/datasets/{slug}/records?q=CACHEE",
    "/api/explore/v2.1/catalog/datasets/{slug}",
    "/api/explore/v2.1/catalog/datasets/{slug}/records?limit=100",
    "/api/explore/v2.1/catalog/datasets/{slug}/records?where=montant%3E1000",
    "/api/explore/v2.1/catalog/datasets/{slug}/records?where=%22CACHEE%22",
    "/api/explore/v2.1/catalog/datasets/{slug}/facets",
    "/api/explore/v2.1/catalog/datasets?where=%22CACHEE%22",
    "/api/3/action/datastore_search?resource_id={slug}&limit=100",
    "/api/3/action/datastore_search?resource_id={slug}&q=CACHEE",
    "/api/3/action/package_show?id={slug}",
    "/api/ogc/collections/{slug}",
    "/api/ogc/collections/{slug}/queryables",
    "/api/ogc/collections/{slug}/items?limit=100",
    "/api/ogc/collections/{slug}/items/1",
    "/api/ogc/collections/{slug}/items/2",
    "/api/ogc/collections/{slug}/items/3",
    "/jeux-de-donnees/{slug}",
    "/jeux-de-donnees/{slug}/api",
    "/jeux-de-donnees/{slug}/telechargements",
    "/jeux-de-donnees/{slug}/tableau",
    "/jeux-de-donnees/{slug}/tableau?q=CACHEE",
    "/embed/jeux-de-donnees/{slug}/tableau",
    "/jeux-de-donnees/{slug}/graphique",
    "/jeux-de-donnees/{slug}/graphique?x=nom&y=montant",
    "/jeux-de-donnees/{slug}/carte",
    "/jeux-de-donnees/{slug}/carte/objets.geojson",
    "/jeux-de-donnees/{slug}/qualite",
    "/jeux-de-donnees?q=CACHEE",
    "/api/v1/datasets?q=CACHEE",
]


def test_a_partial_view_shows_no_hidden_value_anywhere(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, secrets = world
    auth = headers(secrets, "partner_with")
    for template in PARTIAL_URLS:
        url = template.replace("{slug}", PARTIAL)
        response = client.get(url, headers=auth)
        assert response.status_code < 500, url
        assert_no_hidden_value(url, response.text)
    for fmt in FORMATS:
        for url in (
            f"/api/v1/datasets/{PARTIAL}/exports/{fmt}",
            f"/api/explore/v2.1/catalog/datasets/{PARTIAL}/exports/{fmt}",
        ):
            response = client.get(url, headers=auth)
            if response.status_code == 200:
                assert_no_hidden_value(url, readable_text(response, fmt))
    error = client.get(f"/api/v1/datasets/{PARTIAL}/records?where=montant >", headers=auth)
    assert error.status_code == 400 and "1000" not in error.text  # the row filter stays unsaid
    visible = client.get(f"/api/v1/datasets/{PARTIAL}/records", headers=auth).json()
    assert sorted(r["nom"] for r in visible["results"]) == ["Gare", "Mairie"]
    assert all(set(r) <= {"nom", "montant", "geometry"} for r in visible["results"])
    # The owner's agent reads all of it: the values are really there to leak.
    owner = client.get(f"/api/v1/datasets/{PARTIAL}/records", headers=headers(secrets, "dpo"))
    assert "LIGNE-CACHEE" in owner.text and "COLONNE-SECRETE" in owner.text


# Retention ------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", list(CALLERS))
def test_dataset_write_routes_follow_the_matrix(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    """Write routes with a write-scoped token: only the dataset's editors get through."""
    client, secrets = world
    auth = {}
    if caller != "anonymous":
        instance = client.app.state.instance  # type: ignore[attr-defined]
        with instance.db.session() as session:
            user = session.scalar(
                select(User).where(User.email == f"{caller.replace('_', '-')}@exemple.fr")
            )
        auth = {
            "Authorization": f"Bearer {create_token(instance, user.id, 'ecriture', 'write')[1]}"
        }
    paths = [(m, p) for (m, p), kind in ROUTES.items() if kind == "dataset_write"]
    for level in LEVELS:
        for slug in datasets_of(level):
            expected = 200 if slug in WRITES.get(caller, set()) else 404
            for method, path in sorted(paths, reverse=True):  # PUT, then DELETE
                body = {"period": "P10Y"} if method == "PUT" else None
                response = client.request(method, fill(path, slug), headers=auth, json=body)
                assert response.status_code == expected, f"{caller} {method} {slug}"
            assert (
                client.get(
                    f"/api/v1/datasets/{slug}", headers=headers(secrets, "superadmin")
                ).json()["retention"]
                is None
            )


@pytest.mark.parametrize("caller", list(CALLERS))
def test_the_retention_outlook_is_for_overseers_only(
    world: tuple[TestClient, dict[str, str]], caller: str
) -> None:
    client, secrets = world
    expected = 200 if caller in OVERSEERS else 404
    for (method, path), kind in ROUTES.items():
        if kind == "oversight":
            response = client.request(method, fill(path, "agglo"), headers=headers(secrets, caller))
            assert response.status_code == expected, f"{caller} {path}"
