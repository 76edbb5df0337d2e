"""Signing in and out of the portal, CSRF, lockout, session expiry, TOTP and « Mon compte »."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socle.api.app import create_app
from socle.config import Settings
from socle.core.users import create_user, set_disabled
from socle.instance import Instance, open_instance
from tests.api.conftest import populate
from tests.api.test_access_matrix import walk
from tests.portal._html import check_page

PASSWORD = "cheval agrafe batterie"
EMAIL = "alice@agglo.fr"
MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[MakeClient]:
    """Clients on one small instance (the API tests' datasets and Alice's account), over
    HTTPS so that the Secure session cookie travels; settings may be overridden."""
    opened: list[Instance] = []
    clients: list[TestClient] = []
    populated = False

    def make(**overrides: object) -> TestClient:
        nonlocal populated
        instance = open_instance(Settings(home=tmp_path / "home", **overrides))  # type: ignore[arg-type]
        opened.append(instance)
        if not populated:
            populate(instance, tmp_path)
            create_user(instance, EMAIL, PASSWORD, name="Alice Martin")
            populated = True
        client = TestClient(create_app(instance.settings, instance), base_url="https://testserver")
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
    for instance in opened:
        instance.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def sign_in(client: TestClient, email: str = EMAIL, password: str = PASSWORD, **extra: str):
    token = csrf_of(client.get("/connexion").text)
    data = {"csrf_token": token, "email": email, "password": password, **extra}
    return client.post("/connexion", data=data, follow_redirects=False)


def post_form(client: TestClient, path: str, data: dict[str, str], page: str = "/mon-compte"):
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def db_rows(client: TestClient, sql: str) -> list[tuple[object, ...]]:
    engine = client.app.state.instance.db.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_login_page_is_french_and_sound(client: TestClient) -> None:
    response = client.get("/connexion")
    assert response.headers["cache-control"] == "no-store"
    assert check_page(response.text) == []
    assert '<label class="fr-label" for="email">Adresse électronique' in response.text
    assert 'href="/connexion">Se connecter</a>' in response.text
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_sign_in_then_out(client: TestClient) -> None:
    response = sign_in(client, email="  Alice@Agglo.FR ", suivant="/mon-compte")
    assert response.status_code == 303 and response.headers["location"] == "/mon-compte"
    page = client.get("/mon-compte")
    assert page.status_code == 200 and check_page(page.text) == []
    assert "Mon compte" in page.text and EMAIL in page.text and "Se déconnecter" in page.text
    logout = post_form(client, "/deconnexion", {})
    assert logout.status_code == 303
    assert client.get("/mon-compte", follow_redirects=False).status_code == 303
    assert db_rows(client, "SELECT last_login_at IS NOT NULL FROM users") == [(1,)]


def test_next_is_never_another_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert sign_in(client, suivant=target).headers["location"] == "/"
        post_form(client, "/deconnexion", {})


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (EMAIL, "mauvais mot de passe"),
        ("personne@agglo.fr", PASSWORD),
        ("' OR '1'='1' --", PASSWORD),
        ("alice@agglo.fr'; DROP TABLE users; --", PASSWORD),
        ("élodie@mairie.fr", "пароль-ünïcødé-密码"),
        (EMAIL, "x" * 60_000),
        ("\x00@\x00.fr", "\x00" * 20),
    ],
)
def test_failed_sign_in_says_the_same_thing(client: TestClient, email: str, password: str) -> None:
    response = sign_in(client, email=email, password=password)
    assert response.status_code == 400
    assert "Adresse électronique ou mot de passe incorrect" in response.text
    assert "bloqué 15 minutes" in response.text and 'role="alert"' in response.text
    assert client.get("/mon-compte", follow_redirects=False).status_code == 303
    assert db_rows(client, "SELECT count(*) FROM users") == [(1,)]


def test_a_huge_form_is_refused_clearly(client: TestClient) -> None:
    response = sign_in(client, password="x" * 200_000)
    assert response.status_code == 413 and "trop volumineux" in response.text


def test_lockout_after_repeated_failures(client: TestClient) -> None:
    for _ in range(5):
        assert sign_in(client, password="mauvais mot de passe").status_code == 400
    locked = sign_in(client)  # the right password, refused while locked...
    assert locked.status_code == 400
    unknown = sign_in(client, email="personne@agglo.fr")
    assert locked.text.replace(EMAIL, "") == unknown.text.replace("personne@agglo.fr", "")
    # ... until the lock expires.
    engine = client.app.state.instance.db.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET locked_until = '2000-01-01 00:00:00'"))
    assert sign_in(client).status_code == 303


def test_csrf_missing_or_wrong_is_refused(client: TestClient) -> None:
    client.get("/connexion")
    data = {"email": EMAIL, "password": PASSWORD}
    missing = client.post("/connexion", data=data)
    assert missing.status_code == 403
    assert "jeton de sécurité absent ou invalide" in missing.text and "<h1>" in missing.text
    wrong = client.post("/connexion", data={**data, "csrf_token": "forged"})
    assert wrong.status_code == 403
    # A token from another session is no better.
    with TestClient(client.app, base_url="https://testserver") as other:
        foreign = csrf_of(other.get("/connexion").text)
    assert client.post("/connexion", data={**data, "csrf_token": foreign}).status_code == 403


def test_every_portal_form_checks_csrf(client: TestClient) -> None:
    """Enumerated from the route table: a new POST page cannot forget the check."""
    assert sign_in(client).status_code == 303
    posts = [
        path
        for path, methods in walk(client.app.routes)  # type: ignore[attr-defined]
        if "POST" in methods and not path.startswith("/api/")
    ]
    assert "/mon-compte/jetons" in posts and "/deconnexion" in posts
    for path in posts:
        url = path.replace("{token_id}", "x")
        response = client.post(url, data={"name": "x"}, follow_redirects=False)
        assert response.status_code == 403, path
    assert client.get("/mon-compte").status_code == 200  # still signed in


def test_session_ends_after_max_hours(make_client: MakeClient) -> None:
    # Five seconds: room for a loaded machine between signing in and the first page.
    client = make_client(session_max_hours=5 / 3600)
    assert sign_in(client).status_code == 303
    assert client.get("/mon-compte", follow_redirects=False).status_code == 200
    time.sleep(5.2)
    assert client.get("/mon-compte", follow_redirects=False).status_code == 303


def test_session_ends_when_idle(make_client: MakeClient) -> None:
    client = make_client(session_idle_minutes=1 / 60)  # one second
    assert sign_in(client).status_code == 303
    time.sleep(2.1)
    assert client.get("/mon-compte", follow_redirects=False).status_code == 303


def test_the_signing_key_is_generated_once_and_private(client: TestClient) -> None:
    home = client.app.state.settings.home  # type: ignore[attr-defined]
    key_file = home / "session-signing-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text()) >= 60


def test_change_password(client: TestClient, make_client: MakeClient) -> None:
    elsewhere = make_client()
    assert sign_in(client).status_code == 303 and sign_in(elsewhere).status_code == 303
    new = "un tout autre mot de passe"
    weak = post_form(
        client,
        "/mon-compte/mot-de-passe",
        {"current": PASSWORD, "new": "alice-2024-xyz", "confirmation": "alice-2024-xyz"},
    )
    assert weak.status_code == 400 and "ne doit pas contenir votre adresse" in weak.text
    assert check_page(weak.text) == []
    bad = post_form(
        client, "/mon-compte/mot-de-passe", {"current": "faux", "new": new, "confirmation": new}
    )
    assert bad.status_code == 400 and "Mot de passe actuel incorrect" in bad.text
    done = post_form(
        client, "/mon-compte/mot-de-passe", {"current": PASSWORD, "new": new, "confirmation": new}
    )
    assert done.status_code == 303
    assert "Mot de passe changé" in client.get("/mon-compte").text
    # The other session ended; this one goes on; the new password works.
    assert elsewhere.get("/mon-compte", follow_redirects=False).status_code == 303
    assert sign_in(elsewhere, password=new).status_code == 303


def test_disabling_ends_sessions(client: TestClient) -> None:
    assert sign_in(client).status_code == 303
    set_disabled(client.app.state.instance, EMAIL, True)  # type: ignore[attr-defined]
    assert client.get("/mon-compte", follow_redirects=False).status_code == 303
    assert sign_in(client).status_code == 400


def enable_totp(client: TestClient) -> tuple[pyotp.TOTP, str]:
    """Enable the second factor; the TOTP and the code that confirmed it."""
    page = post_form(client, "/mon-compte/double-authentification", {})
    assert page.status_code == 200 and check_page(page.text) == []
    assert page.headers["cache-control"] == "no-store"
    assert '<img src="data:image/svg+xml' in page.text
    secret = re.search(r"Clé : <code>([A-Z2-7 ]+)</code>", page.text)
    assert secret
    totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
    wrong = post_form(
        client, "/mon-compte/double-authentification/confirmation", {"code": "000000"}
    )
    assert wrong.status_code == 400 and "Code incorrect" in wrong.text
    code = totp.now()
    done = post_form(client, "/mon-compte/double-authentification/confirmation", {"code": code})
    assert done.status_code == 303
    return totp, code


def test_totp_flow(client: TestClient) -> None:
    assert sign_in(client).status_code == 303
    totp, used = enable_totp(client)
    assert "Double authentification activée" in client.get("/mon-compte").text
    post_form(client, "/deconnexion", {})

    step = sign_in(client, suivant="/mon-compte")
    assert step.headers["location"] == "/connexion/code?suivant=%2Fmon-compte"
    assert client.get("/mon-compte", follow_redirects=False).status_code == 303  # not yet in
    page = client.get("/connexion/code?suivant=/mon-compte")
    assert check_page(page.text) == []
    token = csrf_of(page.text)
    for refused_code in ("123456", "12345", "abcdef", used):  # the last one: a replay
        refused = client.post("/connexion/code", data={"csrf_token": token, "code": refused_code})
        assert refused.status_code == 400 and "incorrect" in refused.text
    # The next 30-second step's code: accepted (one step of clock drift), and never used.
    ok = client.post(
        "/connexion/code",
        data={"csrf_token": token, "code": totp.at(time.time() + 30), "suivant": "/mon-compte"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/mon-compte"
    assert client.get("/mon-compte", follow_redirects=False).status_code == 200
    stored = db_rows(client, "SELECT totp_enabled FROM users")
    assert stored == [(1,)]

    refused_off = post_form(
        client, "/mon-compte/double-authentification/desactivation", {"current": "faux"}
    )
    assert refused_off.status_code == 400
    off = post_form(
        client, "/mon-compte/double-authentification/desactivation", {"current": PASSWORD}
    )
    assert off.status_code == 303
    assert db_rows(client, "SELECT totp_enabled, totp_secret FROM users") == [(0, None)]


def test_totp_failures_count_towards_lockout(client: TestClient) -> None:
    assert sign_in(client).status_code == 303
    enable_totp(client)
    post_form(client, "/deconnexion", {})
    for _ in range(5):
        assert sign_in(client).status_code == 303  # the password is right...
        page = client.get("/connexion/code")
        client.post("/connexion/code", data={"csrf_token": csrf_of(page.text), "code": "000000"})
    assert sign_in(client).status_code == 400  # ...but the account is now locked


def test_superadmin_powers_wait_for_totp_when_required(make_client: MakeClient) -> None:
    client = make_client(totp_required_for_superadmins=True)
    instance = client.app.state.instance  # type: ignore[attr-defined]
    create_user(instance, "root@agglo.fr", PASSWORD, superadmin=True)
    assert sign_in(client, email="root@agglo.fr").status_code == 303
    assert "Double authentification exigée" in client.get("/mon-compte").text
    assert client.get("/jeux-de-donnees/subventions").status_code == 404
    enable_totp(client)
    assert client.get("/jeux-de-donnees/subventions").status_code == 200


def test_tokens_from_the_account_page(client: TestClient) -> None:
    assert sign_in(client).status_code == 303
    missing = post_form(client, "/mon-compte/jetons", {"name": " ", "scope": "read"})
    assert missing.status_code == 400 and "Nom du jeton requis" in missing.text
    hidden = post_form(client, "/mon-compte/jetons", {"name": "x", "dataset": "subventions"})
    assert hidden.status_code == 400 and "introuvable" in hidden.text
    bad_days = post_form(client, "/mon-compte/jetons", {"name": "x", "days": "-3"})
    assert bad_days.status_code == 400 and "jours" in bad_days.text
    created = post_form(
        client,
        "/mon-compte/jetons",
        {"name": "Tableau de bord", "scope": "read", "dataset": "comptages", "days": "30"},
    )
    assert created.status_code == 201 and check_page(created.text) == []
    assert created.headers["cache-control"] == "no-store"
    secret = re.search(r'value="(socle_[\w-]+)"', created.text)
    assert secret
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert me.json()["token"]["scope"] == "read"
    page = client.get("/mon-compte").text
    assert "Tableau de bord" in page and "comptages" in page and secret.group(1) not in page
    (token_id,) = db_rows(client, "SELECT id FROM api_tokens")[0]
    revoked = post_form(client, f"/mon-compte/jetons/{token_id}/revocation", {})
    assert revoked.status_code == 303
    assert "révoqué" in client.get("/mon-compte").text
    gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert gone.status_code == 401


def test_nothing_secret_is_stored_in_clear(client: TestClient) -> None:
    assert sign_in(client).status_code == 303
    created = post_form(client, "/mon-compte/jetons", {"name": "n", "scope": "write"})
    secret = re.search(r'value="(socle_[\w-]+)"', created.text)
    assert secret
    dump = repr(db_rows(client, "SELECT * FROM users")) + repr(
        db_rows(client, "SELECT * FROM api_tokens")
    )
    assert PASSWORD not in dump and secret.group(1) not in dump
    assert secret.group(1)[len("socle_") :] not in dump


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(email=st.text(max_size=300), password=st.text(max_size=300))
def test_any_sign_in_input_gets_a_clear_answer(
    client: TestClient, email: str, password: str
) -> None:
    response = sign_in(client, email=email, password=password)
    assert response.status_code == 400, response.text[:300]
    assert "Adresse électronique ou mot de passe incorrect" in response.text
