"""Settings: defaults, environment, file, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from socle.config import Settings, load_settings
from socle.errors import InputError


def test_embedded_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve()}/socle.db"
    assert settings.effective_lake_path == tmp_path.resolve() / "lake"


def test_file_values_and_environment_priority(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    (tmp_path / "socle.toml").write_text(
        'instance_name = "Val de Lumière"\nquery_timeout_seconds = 3\n', encoding="utf-8"
    )
    monkeypatch.setenv("SOCLE_QUERY_TIMEOUT_SECONDS", "5")
    settings = load_settings()
    assert settings.instance_name == "Val de Lumière"
    assert settings.query_timeout_seconds == 5


def test_bad_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    monkeypatch.setenv("SOCLE_QUERY_TIMEOUT_SECONDS", "-1")
    with pytest.raises(InputError, match="SOCLE_QUERY_TIMEOUT_SECONDS"):
        load_settings()


def test_password_is_masked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    monkeypatch.setenv("SOCLE_DATABASE_URL", "postgresql+psycopg://u:pw-7f3a9@localhost/db")
    assert "pw-7f3a9" not in str(load_settings().public_items())


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"`SOCLE_{name.upper()}`" in readme, f"SOCLE_{name.upper()} is not in README.md"


def test_tile_url_must_be_a_template() -> None:
    with pytest.raises(ValueError, match=r"\{z\}"):
        Settings(map_tile_url="https://tuiles.example/carte.png")
    assert Settings(map_tile_url="").map_tile_url is None
    assert Settings(map_base_dataset="").map_base_dataset is None


def test_secrets_come_from_the_environment_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    (tmp_path / "socle.toml").write_text('session_signing_key = "k"\n', encoding="utf-8")
    with pytest.raises(InputError, match="SOCLE_SESSION_SIGNING_KEY est un secret"):
        load_settings()
    (tmp_path / "socle.toml").unlink()
    monkeypatch.setenv("SOCLE_SESSION_SIGNING_KEY", "from-the-environment")
    settings = load_settings()
    assert settings.public_items()["session_signing_key"] == "***"


# oidc
def test_identity_providers_from_the_file_and_their_secrets_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOCLE_HOME", str(tmp_path))
    toml = tmp_path / "socle.toml"
    toml.write_text(
        '[oidc_providers.proconnect]\nkind = "proconnect"\n'
        'issuer = "https://proconnect.example/api/v2/"\nclient_id = "abc"\n'
        '[oidc_providers.sso-agglo]\nissuer = "https://sso.agglo.fr/realms/agents"\n'
        'client_id = "socle"\nscopes = ["email"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOCLE_OIDC_SSO_AGGLO_CLIENT_SECRET", "s3cret")
    settings = load_settings()
    proconnect, agglo = settings.oidc_providers["proconnect"], settings.oidc_providers["sso-agglo"]
    assert proconnect.issuer == "https://proconnect.example/api/v2"
    assert proconnect.client_secret is None and proconnect.label("proconnect") == "ProConnect"
    assert "siret" in proconnect.effective_scopes
    assert proconnect.effective_token_auth_method == "client_secret_post"
    assert agglo.client_secret is not None and agglo.client_secret.get_secret_value() == "s3cret"
    assert agglo.effective_scopes == ["openid", "email"]
    assert agglo.effective_token_auth_method == "client_secret_basic"
    shown = settings.public_items()["oidc_providers"]
    assert shown["sso-agglo"]["client_secret"] == "***"
    assert shown["proconnect"]["client_secret"] is None

    toml.write_text(
        '[oidc_providers.x]\nissuer = "https://a.example"\nclient_id = "c"\nclient_secret = "no"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="SOCLE_OIDC_X_CLIENT_SECRET"):
        load_settings()


@pytest.mark.parametrize(
    ("providers", "message"),
    [
        ({"A b": {"issuer": "https://a.example", "client_id": "c"}}, "nom de fournisseur"),
        ({"a": {"issuer": "http://sso.example", "client_id": "c"}}, "https://"),
        ({"a": {"issuer": "https://a.example"}}, "A.CLIENT_ID"),
        ({"a": {"issuer": "https://a.example", "client_id": "c", "colour": 1}}, "A.COLOUR"),
    ],
)
def test_bad_identity_providers_are_clear_errors(
    monkeypatch: pytest.MonkeyPatch, providers: dict[str, object], message: str
) -> None:
    import json

    monkeypatch.setenv("SOCLE_OIDC_PROVIDERS", json.dumps(providers))
    with pytest.raises(InputError, match=message):
        load_settings()
    monkeypatch.setenv(
        "SOCLE_OIDC_PROVIDERS",
        json.dumps({"local": {"issuer": "http://127.0.0.1:8080", "client_id": "c"}}),
    )
    assert load_settings().oidc_providers["local"].issuer == "http://127.0.0.1:8080"
