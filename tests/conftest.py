"""Shared fixtures: an instance on SQLite, the same on the real PostgreSQL server, a live server."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn
from starlette.types import ASGIApp

from socle.config import Settings
from socle.instance import Instance, open_instance

# Tests make many API calls from one client: the rate limits are off except where a test
# sets them (tests/api/test_rate_limit.py). Stored secrets are sealed with a test key.
os.environ.setdefault("SOCLE_API_RATE_LIMIT", "0")
os.environ.setdefault("SOCLE_API_TOKEN_RATE_LIMIT", "0")
os.environ.setdefault("SOCLE_SECRET_KEY", "c29jbGUtdGVzdHMtc29jbGUtdGVzdHMtc29jbGUtdGU=")

IN_CI = os.environ.get("CI") == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "SOCLE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def need_shared_data() -> Path:
    """../shared/data exists here and in CI, not on a user's machine."""
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    if IN_CI:
        pytest.fail(f"{SHARED_DATA} is missing in CI")
    pytest.skip(f"{SHARED_DATA} absent: shared test data only exists beside the repo")


@pytest.fixture
def shared_data() -> Path:
    return need_shared_data()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"socle_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}")
    try:
        yield (
            sa.engine.make_url(POSTGRES_ADMIN_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_instance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Instance]:
    """An empty instance on each metadata backend."""
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        inst = open_instance(Settings(home=tmp_path / "home", database_url=url))
        yield inst
        inst.close()


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """An empty embedded (SQLite) instance."""
    inst = open_instance(Settings(home=tmp_path / "home"))
    yield inst
    inst.close()


@pytest.fixture
def live_server() -> Iterator[Callable[[ASGIApp], str]]:
    """Serve ASGI apps with uvicorn on 127.0.0.1, for client libraries that need a real URL.

    ``live_server(app)`` starts a server on a free port in a thread and returns its base URL;
    every server started is stopped when the test ends.
    """
    started: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: ASGIApp) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        started.append((server, thread))
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in started:
        server.should_exit = True
        thread.join(timeout=10)
