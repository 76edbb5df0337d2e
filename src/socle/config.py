"""Settings, declared once: name, type, default and help text, read from ``SOCLE_*`` variables.

An optional TOML file (``SOCLE_CONFIG``, default ``$SOCLE_HOME/socle.toml``) may set the same
names in lower case; environment variables win. Secrets only ever come from the environment.
With nothing set, Socle runs embedded: SQLite and a local lake under ``./socle-data``.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from socle.errors import InputError

PROVIDER_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class OidcProvider(BaseModel):
    """One OpenID Connect identity provider (ProConnect, Keycloak, Microsoft Entra...).

    Declared in socle.toml under ``[oidc_providers.NAME]`` (or as JSON in
    ``SOCLE_OIDC_PROVIDERS``); its client secret comes only from the environment variable
    ``SOCLE_OIDC_<NAME>_CLIENT_SECRET`` (NAME upper-cased, dashes as underscores).
    """

    model_config = {"extra": "forbid"}

    kind: Literal["oidc", "proconnect"] = Field(
        default="oidc",
        description=(
            "proconnect: the official ProConnect button, its scopes and claims (siret, "
            "usual_name); oidc: any other provider."
        ),
    )
    title: str = Field(default="", description="Name on the sign-in button; default: NAME.")
    issuer: str = Field(
        description="Issuer URL; its /.well-known/openid-configuration is read at sign-in."
    )
    client_id: str = Field(min_length=1, description="Client identifier given by the provider.")
    client_secret: SecretStr | None = Field(
        default=None, description="From SOCLE_OIDC_<NAME>_CLIENT_SECRET only."
    )
    scopes: list[str] | None = Field(
        default=None,
        description=(
            "Scopes asked for; default: openid email profile (oidc), or openid email "
            "given_name usual_name siret organizational_unit (proconnect)."
        ),
    )
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] | None = Field(
        default=None,
        description=(
            "How the client secret is sent to the token endpoint; default: "
            "client_secret_post for ProConnect, client_secret_basic otherwise."
        ),
    )
    pkce: bool = Field(default=True, description="Send a PKCE (S256) code challenge.")
    userinfo: bool = Field(
        default=True, description="Also read the userinfo endpoint (plain JSON or signed JWT)."
    )
    create_users: bool = Field(
        default=True, description="Create an account on a first sign-in; false: linked ones only."
    )
    email_linking: Literal["never", "verified", "trusted"] = Field(
        default="verified",
        description=(
            "First sign-in of an identity whose e-mail is an existing account's: link it "
            "never, only if the provider says email_verified, or always (trusted: "
            "ProConnect's professional addresses)."
        ),
    )
    siret_claim: str = Field(
        default="siret",
        description="Claim naming the person's establishment (SIRET, 14 digits).",
    )
    default_role: Literal["admin", "data_officer", "dpo", "steward", "agent", "partner"] = Field(
        default="agent",
        description="Role given in the organization whose SIRET matches, if not yet a member.",
    )

    @field_validator("issuer")
    @classmethod
    def _issuer_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise ValueError("attendu : une URL https:// (http seulement sur la boucle locale)")
        return value.rstrip("/")

    def label(self, name: str) -> str:
        """The name people see: the title, else ProConnect's, else the configured name."""
        return self.title or ("ProConnect" if self.kind == "proconnect" else name)

    @property
    def effective_scopes(self) -> list[str]:
        if self.scopes is not None:
            return self.scopes if "openid" in self.scopes else ["openid", *self.scopes]
        if self.kind == "proconnect":
            return ["openid", "email", "given_name", "usual_name", "siret", "organizational_unit"]
        return ["openid", "email", "profile"]

    @property
    def effective_token_auth_method(self) -> str:
        if self.token_auth_method is not None:
            return self.token_auth_method
        return "client_secret_post" if self.kind == "proconnect" else "client_secret_basic"


def secret_variable(provider: str) -> str:
    """The environment variable holding a provider's client secret."""
    return f"SOCLE_OIDC_{provider.upper().replace('-', '_')}_CLIENT_SECRET"


class Settings(BaseSettings):
    """Socle's effective configuration."""

    model_config = SettingsConfigDict(env_prefix="SOCLE_", extra="forbid")

    home: Path = Field(
        default=Path("socle-data"),
        description="Folder of the embedded instance: metadata database and lake.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the metadata database; default: SQLite in SOCLE_HOME. "
            "For PostgreSQL: postgresql+psycopg://user@host/db"
        ),
    )
    lake_path: Path | None = Field(
        default=None, description="Folder of the data lake; default: SOCLE_HOME/lake."
    )
    query_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest time a records query may run."
    )
    query_memory_limit: str = Field(
        default="1GB", description="DuckDB memory limit for one query (spills to disk beyond)."
    )
    ingest_memory_limit: str = Field(
        default="1GB", description="DuckDB memory limit while ingesting (spills to disk beyond)."
    )
    assets_dir: Path | None = Field(
        default=None,
        description=(
            "node_modules folder holding the portal's front-end libraries (npm ci); "
            "default: looked for from the working directory and the installed package."
        ),
    )
    instance_name: str = Field(default="Socle", description="Name shown in the portal's header.")
    map_base_dataset: str | None = Field(
        default="communes",
        description=(
            "Slug of the geographic dataset drawn as the portal maps' base layer (the "
            "territory's communes); empty: maps without a base layer."
        ),
    )
    map_tile_url: str | None = Field(
        default=None,
        description=(
            "Optional tile server drawn under the maps, as a URL template "
            "(https://…/{z}/{x}/{y}.png); off by default: maps make no external request."
        ),
    )
    map_tile_attribution: str = Field(
        default="", description="Attribution shown on the maps for the tile server."
    )
    usage_statistics: bool = Field(
        default=True,
        description=(
            "Count datasets' page views, downloads and API calls, without cookies or "
            "personal data (docs/statistics.md); false: nothing is counted."
        ),
    )
    usage_flush_seconds: float = Field(
        default=30.0,
        gt=0,
        description=(
            "How often each server process adds its usage counts (page views, downloads, "
            "API calls) to the metadata database; also done at shutdown."
        ),
    )
    participation_min_seconds: float = Field(
        default=3.0,
        ge=0,
        description=(
            "Participation forms (reuses, requests, comments) sent sooner than this after "
            "the page was shown are refused: robots fill forms at once."
        ),
    )
    participation_rate_limit: int = Field(
        default=10,
        ge=1,
        description=(
            "Participation forms accepted from one IP address per 10 minutes, refused ones "
            "included (counted in memory only, the address hashed, never stored)."
        ),
    )

    session_signing_key: SecretStr | None = Field(
        default=None,
        description=(
            "Key signing the portal's session cookies; default: generated on first start and "
            "kept in SOCLE_HOME/session-signing-key (readable by its owner only)."
        ),
    )
    session_cookie_secure: bool = Field(
        default=True,
        description=(
            "Send the session cookie over HTTPS only (browsers also accept it on "
            "http://localhost); false only for a plain-HTTP test server."
        ),
    )
    session_idle_minutes: float = Field(
        default=60, gt=0, description="A portal session ends after this long without a request."
    )
    session_max_hours: float = Field(
        default=12, gt=0, description="A portal session ends this long after signing in, whatever."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins in a row that lock an account."
    )
    login_lockout_minutes: float = Field(
        default=15, gt=0, description="How long a locked account refuses every sign-in."
    )
    totp_required_for_superadmins: bool = Field(
        default=False,
        description=("Superadmins get their powers only once their TOTP second factor is enabled."),
    )
    audit_retention_days: int = Field(
        default=365,
        ge=1,
        description="Days the audit log keeps its entries; `socle audit purge` removes older ones.",
    )
    pseudonymisation_key: SecretStr | None = Field(
        default=None,
        description=(
            "Secret key of the HMAC-SHA256 pseudonyms of `socle anonymise` (16 bytes at least; "
            "environment only). Keep it: another key gives other pseudonyms."
        ),
    )
    pseudonymisation_key_file: Path | None = Field(
        default=None,
        description=(
            "File holding the pseudonymisation key instead (outside the lake, readable by "
            "Socle's account only)."
        ),
    )

    retention_daily_at: time | None = Field(
        default=None,
        description=(
            "Time of day (HH:MM, the server's local time) at which `socle serve` applies the "
            "datasets' retention rules (docs/retention.md); empty: never, use a system timer "
            "calling `socle retention run`."
        ),
    )

    oidc_providers: dict[str, OidcProvider] = Field(
        default_factory=dict,
        description=(
            "OpenID Connect identity providers offered on the sign-in page, by name "
            "([oidc_providers.NAME] tables in socle.toml; docs/accounts.md)."
        ),
    )

    @field_validator("oidc_providers")
    @classmethod
    def _provider_names(cls, value: dict[str, OidcProvider]) -> dict[str, OidcProvider]:
        for name in value:
            if not PROVIDER_NAME.fullmatch(name):
                raise ValueError(f"nom de fournisseur « {name} » invalide : a-z, 0-9 et -")
        return value

    @model_validator(mode="after")
    def _provider_secrets(self) -> Settings:
        """Each provider's secret from its environment variable (tests may pass it)."""
        for name, provider in self.oidc_providers.items():
            secret = os.environ.get(secret_variable(name))
            if provider.client_secret is None and secret:
                provider.client_secret = SecretStr(secret)
        return self

    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Key encrypting the secrets Socle stores (TOTP secrets, connector credentials, "
            "pseudonymisation keys): 32 bytes in URL-safe base64, from `socle secrets "
            "generate-key`. Environment only; required to enable a second factor."
        ),
    )
    hsts_seconds: int = Field(
        default=31_536_000,
        ge=0,
        description=(
            "max-age of the Strict-Transport-Security header sent on requests that came "
            "over HTTPS; 0: never sent."
        ),
    )
    hsts_behind_proxy: bool = Field(
        default=False,
        description=(
            "Send Strict-Transport-Security on every response: TLS ends at a reverse proxy "
            "that does not tell the scheme (X-Forwarded-Proto with uvicorn --proxy-headers)."
        ),
    )
    api_rate_limit: int = Field(
        default=600,
        ge=0,
        description=(
            "API requests per minute from one IP address without an API token (a burst of "
            "as many at once); 0: no limit. Counted in each server process's memory."
        ),
    )
    api_token_rate_limit: int = Field(
        default=1200,
        ge=0,
        description=(
            "API requests per minute with one API token (a burst of as many at once); "
            "0: no limit. Counted in each server process's memory."
        ),
    )
    decompressed_max_bytes: int = Field(
        default=20 << 30,
        gt=0,
        description="Largest file an archive (.gz, .zip) may unpack to, in bytes.",
    )
    decompression_max_ratio: int = Field(
        default=200,
        gt=0,
        description=(
            "Largest ratio of unpacked to packed size beyond 64 MiB unpacked: higher is "
            "a decompression bomb, refused."
        ),
    )
    ingest_max_bytes: int = Field(
        default=10 << 30,
        gt=0,
        description="Largest file ingested or downloaded from a URL, in bytes (before unpacking).",
    )
    fetch_allowed_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Hosts and networks (comma-separated: intranet.example, 10.1.0.0/16) that URLs "
            "may reach although private, loopback or reserved; by default Socle only "
            "fetches from public addresses."
        ),
    )

    @field_validator("fetch_allowed_networks", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("fetch_allowed_networks")
    @classmethod
    def _hosts_or_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                if not re.fullmatch(r"[A-Za-z0-9.-]+", entry):
                    raise ValueError(f"{entry!r} n'est ni un nom d'hôte ni un réseau") from None
        return [entry.lower() for entry in value]

    @field_validator(
        "map_base_dataset",
        "map_tile_url",
        "retention_daily_at",
        "pseudonymisation_key_file",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return value or None

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")) or not all(
            part in value for part in ("{z}", "{x}", "{y}")
        ):
            raise ValueError("attendu : une URL http(s) contenant {z}, {x} et {y}")
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'socle.db').resolve()}"

    @property
    def effective_lake_path(self) -> Path:
        return (self.lake_path or self.home / "lake").resolve()

    def public_items(self) -> dict[str, Any]:
        """The settings as shown by ``socle config show``, passwords masked."""
        items = self.model_dump()
        items["database_url"] = _mask_password(self.effective_database_url)
        items["lake_path"] = str(self.effective_lake_path)
        items["home"] = str(self.home)
        for secret in SECRETS:
            items[secret] = "***" if getattr(self, secret) else None
        for name, provider in self.oidc_providers.items():
            items["oidc_providers"][name]["client_secret"] = (
                "***" if provider.client_secret else None
            )
        return items


SECRETS = {"session_signing_key", "pseudonymisation_key", "secret_key"}


def _mask_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _file_values() -> dict[str, Any]:
    home = Path(os.environ.get("SOCLE_HOME", "socle-data"))
    path = Path(os.environ.get("SOCLE_CONFIG", home / "socle.toml"))
    if not path.is_file():
        return {}
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"Fichier de configuration illisible {path} : {exc}") from exc
    for secret in SECRETS & values.keys():
        raise InputError(
            f"SOCLE_{secret.upper()} est un secret : environnement seulement, pas {path}"
        )
    providers = values.get("oidc_providers")
    for name, table in providers.items() if isinstance(providers, dict) else ():
        if isinstance(table, dict) and "client_secret" in table:
            raise InputError(
                f"Le secret du fournisseur « {name} » va dans la variable "
                f"{secret_variable(name)}, pas dans {path}"
            )
    # The environment wins over the file.
    return {k: v for k, v in values.items() if f"SOCLE_{k.upper()}" not in os.environ}


def load_settings() -> Settings:
    """Read and validate the configuration; a bad value is a clear InputError."""
    try:
        return Settings(**_file_values())
    except ValidationError as exc:
        problems = "; ".join(
            f"SOCLE_{'.'.join(str(p) for p in e['loc']).upper()} : {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"Configuration invalide : {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own Settings instead)."""
    return load_settings()
