"""Signing in through OpenID Connect against a real provider (npm's oidc-provider on
loopback): the full authorization code flow with PKCE, accounts and memberships created from
the claims, and every way the answer can be wrong refused with a French page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from socle.api.app import create_app
from socle.config import OidcProvider, Settings
from socle.core.organizations import create_organization
from socle.core.users import create_user
from socle.instance import Instance, open_instance
from socle.storage.identities import ExternalIdentity
from socle.storage.tables import AuditEntry, Membership, User
from tests.conftest import postgres_database
from tests.oidc import _provider
from tests.oidc._provider import SITE, Browser, openid_provider
from tests.portal._html import check_page

# Socle's name for each client of the provider (tests/oidc/provider.mjs).
CLIENTS = {
    "test": "socle",
    "proconnect": "socle-pc",
    "forged": "socle-forged",
    "usurper": "socle-iss",
}
SIRET = "20007175100017"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with openid_provider(tmp_path_factory.mktemp("provider"), list(CLIENTS)) as url:
        yield url


def providers(issuer: str, **overrides: object) -> dict[str, OidcProvider]:
    def provider(name: str, client_id: str) -> OidcProvider:
        kind = "proconnect" if name == "proconnect" else "oidc"
        fields: dict[str, object] = {
            "kind": kind,
            "issuer": issuer,
            "client_id": client_id,
            "client_secret": f"secret-{client_id}",
        }
        if kind == "oidc":
            fields["scopes"] = ["openid", "email", "profile", "siret"]
        return OidcProvider.model_validate({**fields, **overrides.get(name, {})})  # type: ignore[dict-item]

    return {name: provider(name, client_id) for name, client_id in CLIENTS.items()}


@pytest.fixture
def world(
    request: pytest.FixtureRequest, tmp_path: Path, issuer: str
) -> Iterator[tuple[Instance, Browser]]:
    """Socle with the provider's four clients; on SQLite unless a test asks for PostgreSQL."""
    with ExitStack() as stack:
        url = None
        if getattr(request, "param", "sqlite") == "postgresql":
            url = stack.enter_context(postgres_database())
        settings = Settings(
            home=tmp_path / "home", database_url=url, oidc_providers=providers(issuer)
        )
        yield from _world(settings)


def _world(settings: Settings) -> Iterator[tuple[Instance, Browser]]:
    instance = open_instance(settings)
    create_organization(instance, "agglo", "Agglomération du Val", siret=SIRET)
    with TestClient(create_app(instance.settings, instance), base_url=SITE) as client:
        browser = Browser(client)
        yield instance, browser
        browser.close()
    instance.close()


def audit_actions(instance: Instance) -> list[tuple[str, str, str]]:
    with instance.db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        return [(e.action, e.result, e.actor) for e in entries]


def refused(response: object, words: str) -> None:
    """A French error page (400) that says ``words``, and nobody signed in."""
    assert response.status_code == 400, response.text[:300]  # type: ignore[attr-defined]
    assert "Connexion impossible" in response.text  # type: ignore[attr-defined]
    assert words in response.text.replace("&#39;", "'")  # type: ignore[attr-defined]


def signed_in_as(browser: Browser) -> str | None:
    page = browser.app.get("/mon-compte", follow_redirects=False)
    if page.status_code != 200:
        return None
    found = re.search(r"[\w.]+@agglo\.fr", page.text)
    return found.group(0) if found else None


@pytest.mark.parametrize(
    "world", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_proconnect_sign_in_creates_the_account_and_its_membership(
    world: tuple[Instance, Browser],
) -> None:
    instance, browser = world
    authorize = browser.start("proconnect", "/jeux-de-donnees")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"][0].split() == [
        "openid", "email", "given_name", "usual_name", "siret", "organizational_unit"
    ]  # fmt: skip
    done = browser.back(browser.to_provider(authorize))
    assert done.status_code == 303 and done.headers["location"] == "/jeux-de-donnees"
    assert signed_in_as(browser) == "claire.dupont@agglo.fr"
    with instance.db.session() as session:
        user = session.scalar(select(User).where(User.email == "claire.dupont@agglo.fr"))
        assert user is not None and user.name == "Claire Dupont" and user.password_hash is None
        (membership,) = session.scalars(select(Membership).where(Membership.user_id == user.id))
        assert (membership.organization.slug, membership.role) == ("agglo", "agent")
        identity = session.scalar(select(ExternalIdentity))
        assert identity is not None and identity.subject == "claire"
        assert identity.provider == "proconnect" and identity.user_id == user.id
    actions = audit_actions(instance)
    assert ("write/user", "allowed", "claire.dupont@agglo.fr") in actions
    assert ("write/membership", "allowed", "claire.dupont@agglo.fr") in actions
    assert actions[-1] == ("auth/sign-in", "allowed", "claire.dupont@agglo.fr")

    # Signing in again: the same account, no second membership.
    again = Browser(browser.app)
    browser.app.cookies.clear()
    assert again.sign_in("proconnect").status_code == 303
    with instance.db.session() as session:
        assert len(session.scalars(select(User)).all()) == 1
        assert len(session.scalars(select(Membership)).all()) == 1
    again.close()


def test_any_provider_links_an_existing_account_by_verified_email(
    world: tuple[Instance, Browser],
) -> None:
    instance, browser = world
    local = create_user(instance, "claire.dupont@agglo.fr", "une phrase de passe solide")
    assert browser.sign_in("test").status_code == 303
    assert signed_in_as(browser) == "claire.dupont@agglo.fr"
    with instance.db.session() as session:
        identity = session.scalar(select(ExternalIdentity))
        assert identity is not None and identity.user_id == local.id
        assert session.scalar(select(User.password_hash).where(User.id == local.id))


def test_an_unverified_email_is_not_linked_to_an_existing_account(
    world: tuple[Instance, Browser],
) -> None:
    instance, browser = world
    create_user(instance, "paul.martin@agglo.fr", "une phrase de passe solide")
    refused(browser.sign_in("test", account="paul"), "Un compte existe déjà")
    assert signed_in_as(browser) is None
    assert audit_actions(instance)[-1][:2] == ("auth/sign-in", "denied")


def test_bad_state_is_refused(world: tuple[Instance, Browser]) -> None:
    instance, browser = world
    back = browser.to_provider(browser.start("test"))
    parts = urlsplit(back)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = "x" * 43
    refused(browser.back(urlunsplit(parts._replace(query=urlencode(query)))), "state différent")
    assert signed_in_as(browser) is None
    with instance.db.session() as session:
        denied = session.scalars(select(AuditEntry).where(AuditEntry.result == "denied")).one()
        assert denied.action == "auth/sign-in" and denied.details == {
            "provider": "test",
            "method": "oidc",
            "reason": "state mismatch",
        }


def test_a_replayed_code_is_refused(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    back = browser.to_provider(browser.start("test"))
    assert browser.back(back).status_code == 303
    browser.app.cookies.clear()
    # The same answer again: nothing is waiting for it any more.
    refused(browser.back(back), "Aucune connexion n'est en cours")
    # The old code with a new sign-in's state: the provider refuses to exchange it twice.
    fresh = urlsplit(browser.start("test"))
    state = parse_qs(fresh.query)["state"][0]
    parts = urlsplit(back)
    query = {**{k: v[0] for k, v in parse_qs(parts.query).items()}, "state": state}
    replay = browser.back(urlunsplit(parts._replace(query=urlencode(query))))
    refused(replay, "refusé le code de connexion")
    assert signed_in_as(browser) is None


def test_a_wrong_nonce_is_refused(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    parts = urlsplit(browser.start("test"))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["nonce"] = "n" * 43  # the request was altered on its way to the provider
    back = browser.to_provider(urlunsplit(parts._replace(query=urlencode(query))))
    refused(browser.back(back), "nonce différent")
    assert signed_in_as(browser) is None


def test_a_tampered_id_token_is_refused(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    refused(browser.sign_in("forged"), "a une signature fausse")
    assert signed_in_as(browser) is None


def test_an_id_token_from_another_issuer_is_refused(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    refused(browser.sign_in("usurper"), "vient d'un autre émetteur")
    assert signed_in_as(browser) is None


def test_an_answer_naming_another_issuer_is_refused(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    back = browser.to_provider(browser.start("test"))
    assert "iss=" in back  # RFC 9207: oidc-provider names itself
    refused(
        browser.back(back.replace("iss=", "iss=https%3A%2F%2Fautre.example&x=")),
        "autre fournisseur",
    )


def test_a_cancelled_sign_in_says_so(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    state = parse_qs(urlsplit(browser.start("test")).query)["state"][0]
    cancelled = browser.back(f"{SITE}/connexion/oidc/test/retour?error=access_denied&state={state}")
    refused(cancelled, "la connexion a été annulée ou refusée")


def test_sign_out_ends_the_provider_session_too(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    assert browser.sign_in("proconnect").status_code == 303
    account = browser.app.get("/mon-compte")
    token = re.search(r'name="csrf_token" value="([^"]+)"', account.text)
    assert token is not None
    page = browser.app.post("/deconnexion", data={"csrf_token": token.group(1)})
    assert page.status_code == 200 and "Se déconnecter aussi de ProConnect" in page.text
    assert check_page(page.text) == []
    assert signed_in_as(browser) is None
    link = re.search(r'href="(http://127\.0\.0\.1:\d+/session/end\?[^"]+)"', page.text)
    assert link is not None
    end = link.group(1).replace("&amp;", "&")
    params = parse_qs(urlsplit(end).query)
    assert params["post_logout_redirect_uri"] == [f"{SITE}/deconnexion/retour"]
    assert params["id_token_hint"][0].count(".") == 2
    # At the provider: its confirmation form, then back to Socle with the state.
    confirm = browser.provider.get(end)
    form = re.search(r'<form[^>]*action="([^"]+)"', confirm.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    assert form and xsrf, confirm.text[:500]
    done = browser.provider.post(
        form.group(1)
        if form.group(1).startswith("http")
        else end.split("/session")[0] + form.group(1),
        data={"xsrf": xsrf.group(1), "logout": "yes"},
    )
    while done.is_redirect and not done.headers["location"].startswith(SITE):
        done = browser.provider.get(done.headers["location"])
    assert done.is_redirect, done.text[:300]
    home = browser.back(done.headers["location"])
    assert home.status_code == 303 and home.headers["location"] == "/"
    # A forged return is refused (the local session is closed anyway).
    assert browser.app.get("/deconnexion/retour?state=faux").status_code == 400


def test_the_sign_in_page_offers_the_providers(world: tuple[Instance, Browser]) -> None:
    _, browser = world
    page = browser.app.get("/connexion?suivant=/organisations")
    assert "Se connecter avec ProConnect" in page.text and check_page(page.text) == []
    assert 'href="/connexion/oidc/test?suivant=%2Forganisations"' in page.text
    english = browser.app.get("/connexion?lang=en")
    assert "Sign in with ProConnect" in english.text
    assert browser.app.get("/connexion/oidc/inconnu").status_code == 404


def test_a_provider_that_cannot_create_accounts(tmp_path: Path, issuer: str) -> None:
    settings = Settings(
        home=tmp_path / "home",
        oidc_providers=providers(issuer, test={"create_users": False}),
    )
    instance = open_instance(settings)
    with TestClient(create_app(settings, instance), base_url=SITE) as client:
        browser = Browser(client)
        refused(browser.sign_in("test"), "Aucun compte de la plateforme")
        browser.close()
    instance.close()


def test_without_node_these_tests_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_provider, "IN_CI", True)
    monkeypatch.setattr(_provider.shutil, "which", lambda _name: None)
    with (
        pytest.raises(pytest.fail.Exception, match="must run in CI"),
        openid_provider(tmp_path, ["test"]),
    ):
        pass


def test_an_unreachable_provider_is_a_clear_error(tmp_path: Path) -> None:
    down = OidcProvider(issuer="http://127.0.0.1:9", client_id="socle")
    settings = Settings(home=tmp_path / "home", oidc_providers={"panne": down})
    instance = open_instance(settings)
    with TestClient(create_app(settings, instance), base_url=SITE) as client:
        page = client.get("/connexion/oidc/panne")
        assert page.status_code == 503 and "ne répond pas" in page.text
        # A return while it is down is refused and logged.
        client.get("/connexion/oidc/panne/retour?code=x&state=y")
    assert audit_actions(instance)[-1] == ("auth/sign-in", "denied", "anonymous")
    instance.close()
