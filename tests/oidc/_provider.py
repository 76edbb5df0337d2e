"""A real OpenID Provider for the tests: tests/oidc/provider.mjs (npm's oidc-provider) run
by Node.js on loopback, and a browser that follows redirects between it and Socle.

Without Node.js or the package (``npm ci``) the tests are skipped on a developer's machine
and fail in CI.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import IN_CI, REPO

SCRIPT = Path(__file__).with_name("provider.mjs")
SITE = "https://socle.test"
ACCOUNTS = {
    "claire": {
        "email": "claire.dupont@agglo.fr",
        "email_verified": True,
        "given_name": "Claire",
        "usual_name": "Dupont",
        "family_name": "Dupont",
        "siret": "20007175100017",
        "organizational_unit": "Direction du numérique",
    },
    "paul": {
        "email": "paul.martin@agglo.fr",
        "email_verified": False,
        "given_name": "Paul",
        "family_name": "Martin",
        "siret": "99999999999999",
    },
}


def _need(condition: bool, why: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{why}: the OpenID Connect tests must run in CI")
    pytest.skip(why)


@contextmanager
def openid_provider(tmp_path: Path, providers: list[str], site: str = SITE) -> Iterator[str]:
    """Start the provider; yield its issuer URL. ``providers``: Socle's names for it, whose
    return addresses on ``site`` the provider's clients accept."""
    node = shutil.which("node")
    _need(node is not None, "Node.js is not installed")
    _need((REPO / "node_modules" / "oidc-provider").is_dir(), "oidc-provider missing: npm ci")
    config = tmp_path / "provider.json"
    config.write_text(
        json.dumps(
            {
                "redirect_uris": [f"{site}/connexion/oidc/{name}/retour" for name in providers],
                "post_logout_redirect_uris": [f"{site}/deconnexion/retour"],
                "accounts": ACCOUNTS,
            }
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [str(node), str(SCRIPT), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, "the OpenID provider did not start"
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


class Browser:
    """One person's browser: Socle through its ASGI app at https://socle.test, the provider
    over real HTTP; each keeps its own cookies."""

    def __init__(self, app: TestClient) -> None:
        self.app = app
        self.provider = httpx.Client(timeout=10)

    def close(self) -> None:
        self.provider.close()

    def to_provider(self, start: str, account: str = "claire") -> str:
        """Follow ``start`` at the provider, signing in as ``account`` when asked, until it
        sends the browser back to Socle; that address."""
        url = start
        for _ in range(20):
            if url.startswith(SITE):
                return url
            response = self.provider.get(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                continue
            form = re.search(r'<form method="post" action="([^"]+)"', response.text)
            assert response.status_code == 200 and form, response.text[:500]
            response = self.provider.post(urljoin(url, form.group(1)), data={"login": account})
            assert response.is_redirect, response.text[:500]
            url = urljoin(url, response.headers["location"])
        raise AssertionError("too many redirects at the provider")

    def start(self, provider: str, next_path: str = "/") -> str:
        """Click « Se connecter avec … »: the provider's authorization address."""
        response = self.app.get(
            f"/connexion/oidc/{provider}", params={"suivant": next_path}, follow_redirects=False
        )
        assert response.status_code == 303, response.text[:500]
        return str(response.headers["location"])

    def back(self, url: str) -> httpx.Response:
        """Arrive back on Socle at ``url`` (its path and query)."""
        parts = urlsplit(url)
        return self.app.get(f"{parts.path}?{parts.query}", follow_redirects=False)

    def sign_in(self, provider: str, account: str = "claire") -> httpx.Response:
        return self.back(self.to_provider(self.start(provider), account))
