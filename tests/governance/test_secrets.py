"""Secrets at rest: sealed with SOCLE_SECRET_KEY, bound to their purpose, rotated; TOTP
secrets stored sealed (SQLite and PostgreSQL), old plaintext ones sealed when used or by
``socle secrets seal``; a clear error when the key is missing or wrong."""

from __future__ import annotations

import base64
import logging
import time
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from socle.cli import app
from socle.config import Settings
from socle.core import totp
from socle.core.users import create_user
from socle.governance.secrets import SecretBox, SecretKeyError, generate_key, is_sealed
from socle.instance import Instance, open_instance

PASSWORD = "une phrase de passe solide"


def test_seal_and_open() -> None:
    box = SecretBox(generate_key())
    sealed = box.seal("mot de passe du connecteur é", "connectors.password")
    assert is_sealed(sealed) and "passe" not in sealed
    assert box.open(sealed, "connectors.password") == "mot de passe du connecteur é"
    assert box.seal("x", "p") != box.seal("x", "p")  # a fresh nonce each time


def test_a_sealed_value_opens_only_for_its_purpose_and_key() -> None:
    box = SecretBox(generate_key())
    sealed = box.seal("secret", "users.totp_secret")
    with pytest.raises(SecretKeyError, match="aucune clé"):
        box.open(sealed, "connectors.password")
    with pytest.raises(SecretKeyError, match="aucune clé"):
        SecretBox(generate_key()).open(sealed, "users.totp_secret")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SecretKeyError):
        box.open(tampered, "users.totp_secret")


def test_rotation_first_key_seals_all_keys_open() -> None:
    old, new = generate_key(), generate_key()
    sealed_old = SecretBox(old).seal("secret", "p")
    rotated = SecretBox(f"{new},{old}")
    assert rotated.open(sealed_old, "p") == "secret"
    assert SecretBox(new).open(rotated.seal("secret", "p"), "p") == "secret"


def test_missing_or_bad_key_is_a_clear_error() -> None:
    with pytest.raises(SecretKeyError, match="SOCLE_SECRET_KEY n'est pas définie"):
        SecretBox(None)
    with pytest.raises(SecretKeyError, match="socle secrets generate-key"):
        SecretBox.from_settings(Settings(secret_key=None))
    for bad in ("trop-courte", base64.urlsafe_b64encode(b"x" * 16).decode(), "é"):
        with pytest.raises(SecretKeyError, match="32 octets"):
            SecretBox(bad)


def test_plaintext_from_before_opens_as_it_is() -> None:
    assert SecretBox(generate_key()).open("JBSWY3DPEHPK3PXP", "users.totp_secret") == (
        "JBSWY3DPEHPK3PXP"
    )


def stored_secret(instance: Instance) -> str | None:
    with instance.db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT totp_secret FROM users")).scalar_one()


def test_totp_secrets_are_stored_sealed(
    any_instance: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = create_user(any_instance, "dpo@agglo.fr", PASSWORD)
    secret = totp.begin(any_instance, user.id)
    stored = stored_secret(any_instance)
    assert stored is not None and is_sealed(stored) and secret not in stored
    assert totp.pending_secret(any_instance, user.id) == secret
    totp.confirm(any_instance, user.id, pyotp.TOTP(secret).now())
    assert stored_secret(any_instance) == stored  # unchanged once sealed
    key = any_instance.settings.secret_key
    assert key is not None and key.get_secret_value() not in caplog.text
    assert secret not in caplog.text and stored not in caplog.text


def test_plaintext_totp_secret_is_sealed_when_used(any_instance: Instance) -> None:
    user = create_user(any_instance, "dpo@agglo.fr", PASSWORD)
    legacy = pyotp.random_base32()
    with any_instance.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET totp_secret = :s"), {"s": legacy})
    assert totp.pending_secret(any_instance, user.id) == legacy
    totp.confirm(any_instance, user.id, pyotp.TOTP(legacy).now())
    stored = stored_secret(any_instance)
    assert stored is not None and is_sealed(stored) and legacy not in stored
    code = pyotp.TOTP(legacy).at(time.time() + 30)  # the next step: not a replay
    assert totp.verify_sign_in(any_instance, user.id, code).email == "dpo@agglo.fr"


def test_without_a_key_a_second_factor_cannot_be_enabled(tmp_path: Path) -> None:
    inst = open_instance(Settings(home=tmp_path / "home", secret_key=None))
    try:
        user = create_user(inst, "dpo@agglo.fr", PASSWORD)
        with pytest.raises(SecretKeyError, match="SOCLE_SECRET_KEY"):
            totp.begin(inst, user.id)
        assert stored_secret(inst) is None
    finally:
        inst.close()


def test_cli_generates_a_key_and_seals_stored_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    key = runner.invoke(app, ["secrets", "generate-key"]).output.strip()
    SecretBox(key)  # a valid key
    monkeypatch.setenv("SOCLE_SECRET_KEY", key)
    inst = open_instance(Settings(home=tmp_path / "home"))
    try:
        create_user(inst, "dpo@agglo.fr", PASSWORD)
        with inst.db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP'"))
        result = runner.invoke(app, ["secrets", "seal"])
        assert result.exit_code == 0, result.output
        assert "1 secret(s)" in result.output
        stored = stored_secret(inst)
        assert stored is not None and is_sealed(stored)
        assert SecretBox(key).open(stored, totp.PURPOSE) == "JBSWY3DPEHPK3PXP"
        # Rotation: a new key first, the old one after; seal rewrites with the new one.
        new = generate_key()
        monkeypatch.setenv("SOCLE_SECRET_KEY", f"{new},{key}")
        assert runner.invoke(app, ["secrets", "seal"]).exit_code == 0
        stored = stored_secret(inst)
        assert stored is not None and SecretBox(new).open(stored, totp.PURPOSE) == (
            "JBSWY3DPEHPK3PXP"
        )
        with inst.db.engine.connect() as conn:
            actions = conn.execute(sa.text("SELECT action FROM audit_entries")).scalars().all()
        assert actions.count("write/secrets") == 2
        monkeypatch.delenv("SOCLE_SECRET_KEY")
        result = runner.invoke(app, ["secrets", "seal"])
        assert result.exit_code != 0 and "SOCLE_SECRET_KEY n'est pas définie" in result.output
        assert "Traceback" not in result.output
    finally:
        inst.close()


def test_config_show_masks_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = generate_key()
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOCLE_SECRET_KEY", key)
    output = CliRunner().invoke(app, ["config", "show"]).output
    assert "SOCLE_SECRET_KEY = ***" in output and key not in output
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "socle.toml").write_text(f'secret_key = "{key}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code != 0 and "SOCLE_SECRET_KEY est un secret" in result.output
