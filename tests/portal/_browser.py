"""What the portal's browser tests share: Debian's chromium, a server for a module, and a
watch on every page for console errors and requests to any other host."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Page

from socle.api.app import create_app
from socle.instance import Instance

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required in CI (scripts/setup.sh --test installs it)")
        pytest.skip("chromium is not installed: run `bash scripts/setup.sh --test` as root")
    return path


@contextmanager
def serve(instance: Instance) -> Iterator[str]:
    """The instance's app served by uvicorn on a free loopback port; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(instance.settings, instance), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def watch(page: Page, problems: list[str]) -> Page:
    """Record console errors, page errors, failed requests and requests to any other host."""

    def failed(url: str, reason: str | None) -> None:
        # A navigation cancels what the page was still loading (header icons, say): not a fault.
        if reason != "net::ERR_ABORTED":
            problems.append(f"failed: {url} ({reason})")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: failed(r.url, r.failure))

    def outside(url: str) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("data", "blob") and parsed.hostname != "127.0.0.1":
            problems.append(f"outside request: {url}")

    page.on("request", lambda r: outside(r.url))
    return page
