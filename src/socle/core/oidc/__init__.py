"""Signing in through OpenID Connect providers (ProConnect, Keycloak, Microsoft Entra...).

The authorization code flow with PKCE (S256), state and nonce: :mod:`.flow` builds the
authorization request and checks the answer; :mod:`.provider` reads the provider's discovery
document and keys; :mod:`.tokens` checks the ID token's (and a signed userinfo's) signature
and claims. Linking the identity to an account is :mod:`socle.core.identities`' business.
"""

from socle.core.oidc.errors import SignInFailed
from socle.core.oidc.flow import Claims, PendingLogin, begin, complete, logout_url
from socle.core.oidc.provider import Metadata, discover

__all__ = [
    "Claims",
    "Metadata",
    "PendingLogin",
    "SignInFailed",
    "begin",
    "complete",
    "discover",
    "logout_url",
]
