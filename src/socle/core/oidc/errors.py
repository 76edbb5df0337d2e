"""The one error of a sign-in refused for a reason the person can be told."""

from __future__ import annotations

from socle.errors import InputError


class SignInFailed(InputError):
    """The provider's answer cannot sign anyone in (bad state, refused code, bad token...).

    The message says what went wrong in French, without secrets; ``detail`` keeps the
    technical reason for the audit log.
    """

    type_slug = "sign-in-failed"
    title = "Connexion impossible"
