"""The portal tests reuse the API tests' small instance."""

from tests.api.conftest import client, populate  # noqa: F401
