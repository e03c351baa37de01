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

import pytest

from tests.helpers import create_events, pg_schema_url

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINES = ("sqlite", "postgres")


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


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def db_url(engine, tmp_path, request) -> str:
    """A fresh, empty database on the engine under test."""
    if engine == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    return pg_schema_url(request.getfixturevalue("pg_database"))


@pytest.fixture
def make_project(tmp_path):
    """Build a throw-away project from {relative path: text or None}; returns its folder."""
    counter = itertools.count()

    def make(files: dict[str, str], name: str | None = None) -> Path:
        root = tmp_path / (name or f"project{next(counter)}")
        files = {"project.yml": "name: test\n", **files}
        for rel, text in files.items():
            if text is None:  # no such file (a dbt_project.yml instead of project.yml)
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture
def events_db(db_url):
    """A database on the engine under test plus a loader for the events table."""

    def load(rows: list[dict]) -> str:
        create_events(db_url, rows)
        return db_url

    return load
