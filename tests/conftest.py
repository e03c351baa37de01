"""Shared fixtures: both engines, throw-away projects, events tables.

PostgreSQL tests use a fresh database for the test session on the server named by
$TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), and a fresh
schema per test inside it. Where no server answers they are skipped with the reason.
"""

from __future__ import annotations

import itertools
import os
import textwrap
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from runner.adapters import adapter_for_url
from runner.commands import drop_incremental
from runner.render import Renderer
from runner.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINES = ("sqlite", "postgres")
EVENT_COLUMNS = (
    "id", "event_type", "session_id", "user_id", "product_slug", "product_name", "price",
    "metadata", "source", "error_message", "idempotency_key", "created_at",
)  # fmt: skip
_schema_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_database():
    """URL of a database created for this test session, or skip with the reason."""
    try:
        import psycopg

        admin = psycopg.connect(SERVER_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        pytest.skip(f"PostgreSQL not reachable at {SERVER_URL}: {str(exc).splitlines()[0]}")
    name = f"runner_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = SERVER_URL.rpartition("/")
    yield f"{base}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _pg_schema_url(pg_database: str) -> str:
    import psycopg

    schema = f"t{next(_schema_numbers)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{pg_database}?options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def db_url(engine, tmp_path, request) -> str:
    """A fresh, empty database on the engine under test."""
    if engine == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    return _pg_schema_url(request.getfixturevalue("pg_database"))


@pytest.fixture
def make_project(tmp_path):
    """Build a throw-away project from {relative path: text}; returns its folder."""
    counter = itertools.count()

    def make(files: dict[str, str], name: str | None = None) -> Path:
        root = tmp_path / (name or f"project{next(counter)}")
        files = {"project.yml": "name: test\n", **files}
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


def create_events(url: str, rows: list[dict]) -> None:
    """Create the spec's events table on ``url`` with the project's DDL and load ``rows``."""
    ws = Workspace.open(REPO, database=url)
    ddl = Renderer(ws.project, ws.dialect).call_macro("create_events_table", ws.project.vars, {})
    with ws.adapter.connection() as conn:
        ws.adapter.drop_relation(conn, "events", source=True)
        drop_incremental(ws, conn)  # what they kept of the old table is stale
        ws.adapter.execute(conn, ddl)
        if rows:
            data = [[row.get(c) for c in EVENT_COLUMNS] for row in rows]
            for i, row in enumerate(data, start=1):
                row[0] = row[0] if row[0] is not None else i
            ws.adapter.load_rows(conn, "events", list(EVENT_COLUMNS), data)


def append_events(url: str, rows: list[dict]) -> None:
    """Insert ``rows`` (each with its id) into an existing events table."""
    if rows:
        ws = Workspace.open(REPO, database=url)
        with ws.adapter.connection() as conn:
            data = [[row.get(c) for c in EVENT_COLUMNS] for row in rows]
            ws.adapter.load_rows(conn, "events", list(EVENT_COLUMNS), data)


@pytest.fixture
def events_db(db_url):
    """A database on the engine under test plus a loader for the events table."""

    def load(rows: list[dict]) -> str:
        create_events(db_url, rows)
        return db_url

    return load


def dashboard(url: str, mode: str, as_of: str) -> dict:
    from api.service import DashboardService

    return DashboardService(Workspace.open(REPO, database=url)).compute(mode, as_of)


def adapter(url: str, root: Path = REPO):
    return adapter_for_url(url, root)
