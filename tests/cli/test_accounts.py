"""``socle users``, ``socle tokens`` and ``socle orgs members`` end to end, in a fresh home."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from socle.cli import app
from socle.config import load_settings

runner = CliRunner()
PASSWORD = "cheval-agrafe-batterie"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(*args: str, input: str | None = None, code: int = 0) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == code, result.output
    return result.output


def rows(sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(load_settings().effective_database_url)
    with engine.connect() as conn:
        found = [tuple(row) for row in conn.execute(sa.text(sql))]
    engine.dispose()
    return found


def test_users_add_list_disable_enable_passwd(home: Path) -> None:
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    output = run("users", "add", "Alice@Agglo.fr", "--name", "Alice Martin", input=typed)
    assert "Compte « alice@agglo.fr » créé" in output
    assert PASSWORD not in output  # the prompt hides what is typed
    run("users", "add", "root@agglo.fr", "--superadmin", input=typed)
    listing = run("users", "list")
    assert "alice@agglo.fr" in listing and "Alice Martin" in listing
    assert re.search(r"root@agglo\.fr.*oui.*actif", listing)
    (stored,) = rows("SELECT password_hash FROM users WHERE email = 'alice@agglo.fr'")
    assert str(stored[0]).startswith("$argon2id$") and PASSWORD not in str(stored[0])

    assert "désactivé" in run("users", "disable", "alice@agglo.fr")
    assert re.search(r"alice@agglo\.fr.*désactivé", run("users", "list"))
    assert "réactivé" in run("users", "enable", "alice@agglo.fr")
    new = "une-autre-phrase-longue"
    assert "changé" in run("users", "passwd", "alice@agglo.fr", input=f"{new}\n{new}\n")
    assert rows("SELECT password_hash FROM users WHERE email = 'alice@agglo.fr'") != [stored]


@pytest.mark.parametrize(
    ("args", "typed", "message"),
    [
        (["users", "add", "a@b.fr"], "court\ncourt\n", "12 caractères au moins"),
        (["users", "add", "a@b.fr"], "azertyuiop123\nazertyuiop123\n", "trop courant"),
        (["users", "add", "jean.dupont@b.fr"], "jean.dupont-2024!\njean.dupont-2024!\n", "adresse"),
        (["users", "add", "pas-une-adresse"], f"{PASSWORD}\n{PASSWORD}\n", "invalide"),
        (["users", "add", "' OR 1=1 --@x.fr"], f"{PASSWORD}\n{PASSWORD}\n", "invalide"),
        (["users", "disable", "personne@b.fr"], None, "Aucun compte"),
        (["tokens", "create", "personne@b.fr", "--name", "x"], None, "Aucun compte"),
        (["orgs", "members", "add", "agglo", "a@b.fr", "--role", "chef"], None, "inconnu"),
    ],
)
def test_clear_errors(home: Path, args: list[str], typed: str | None, message: str) -> None:
    output = run(*args, input=typed, code=2)
    assert "Erreur" in output and message in output
    assert "Traceback" not in output


def test_a_huge_password_is_refused_clearly(home: Path) -> None:
    huge = "é" * 100_000
    output = run("users", "add", "a@b.fr", input=f"{huge}\n{huge}\n", code=2)
    assert "trop long" in output


def test_tokens_create_list_revoke(home: Path) -> None:
    run("users", "add", "alice@agglo.fr", input=f"{PASSWORD}\n{PASSWORD}\n")
    output = run("tokens", "create", "alice@agglo.fr", "--name", "Script nuit", "--scope", "write")
    secret = re.search(r"socle_[\w-]{40,}", output)
    assert secret is not None and "plus jamais affiché" in output
    listing = run("tokens", "list", "--user", "alice@agglo.fr")
    assert "Script nuit" in listing and "write" in listing and "actif" in listing
    assert secret.group() not in listing
    ((token_id, stored),) = rows("SELECT id, token_hash FROM api_tokens")
    assert secret.group() not in str(stored)
    assert "révoqué" in run("tokens", "revoke", str(token_id))
    assert "révoqué" in run("tokens", "list")
    assert "introuvable" in run("tokens", "revoke", "nope", code=2)
    too_long = run("tokens", "create", "alice@agglo.fr", "--name", "x", "--days", "9999", code=2)
    assert "366" in too_long


def test_organization_members(home: Path) -> None:
    run("orgs", "add", "agglo", "--name", "Agglo du Val")
    run("users", "add", "dpo@agglo.fr", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "ajouté" in run("orgs", "members", "add", "agglo", "dpo@agglo.fr", "--role", "agent")
    changed = run("orgs", "members", "add", "agglo", "dpo@agglo.fr", "--role", "dpo")
    assert "a maintenant ce rôle" in changed
    listing = run("orgs", "members", "list", "agglo")
    assert "dpo@agglo.fr" in listing and "Délégué à la protection des données" in listing
    run("orgs", "members", "remove", "agglo", "dpo@agglo.fr")
    assert "dpo@agglo.fr" not in run("orgs", "members", "list", "agglo")
    assert "n'est pas membre" in run("orgs", "members", "remove", "agglo", "dpo@agglo.fr", code=2)


# oidc
def test_orgs_add_with_a_siret(home: Path) -> None:
    run("orgs", "add", "agglo", "--name", "Agglo du Val", "--siren", "200071751",
        "--siret", "200 071 751 00017")  # fmt: skip
    assert "20007175100017" in run("orgs", "list")
    assert rows("SELECT siret FROM organizations") == [("20007175100017",)]
    same = run("orgs", "add", "autre", "--name", "Autre", "--siret", "20007175100017", code=2)
    assert "déjà le SIRET" in same
    assert "14 chiffres" in run("orgs", "add", "x", "--name", "X", "--siret", "123", code=2)
    other = run("orgs", "add", "y", "--name", "Y", "--siren", "123456789",
                "--siret", "20007175100025", code=2)  # fmt: skip
    assert "n'est pas un établissement du SIREN" in other
