"""Shared fixtures: both engines, throw-away projects, events tables, the seeded store.

PostgreSQL tests use a fresh database for the test session on the server named by
$TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), and a fresh
schema per test inside it. Where no server answers they are skipped with the reason.

The store's seed fixtures are loaded and its incremental state built once per session
and engine (``store_template``); a test gets a private copy (``store_db``: a copy of
the SQLite files, or a PostgreSQL database made from the template), so a test may
write and the next one still starts from the fixtures, without paying for the seed.
"""

from __future__ import annotations

import itertools
import os
import shutil
import textwrap
import uuid
from pathlib import Path

import pytest

from tests.helpers import REPO, create_events, pg_schema_url

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


class StoreTemplates:
    """The seeded store, per engine, made on first use (a run of SQLite tests alone
    never connects to PostgreSQL)."""

    AS_OF = "2024-05-22T12:00:00Z"  # the fixtures' instant: the state built is theirs

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, str] = {}
        self.copies = itertools.count(1)

    def template(self, engine: str) -> str:
        if engine not in self.made:
            url = self._sqlite() if engine == "sqlite" else self._postgres()
            self._fill(url)
            self.made[engine] = url
        return self.made[engine]

    def copy(self, engine: str, folder: Path) -> str:
        """A private database holding exactly the template's tables and rows."""
        template = self.template(engine)
        if engine == "sqlite":
            source = Path(template.removeprefix("sqlite:///"))
            for path in source.parent.glob("store*.db"):
                shutil.copyfile(path, folder / path.name)
            return f"sqlite:///{folder / source.name}"
        name = f"runner_test_{uuid.uuid4().hex[:10]}_{next(self.copies)}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.rpartition("/")[2]}"')
        return f"{SERVER_URL.rpartition('/')[0]}/{name}"

    def _sqlite(self) -> str:
        return f"sqlite:///{self.folder / 'store.db'}"

    def _postgres(self) -> str:
        name = f"runner_test_{uuid.uuid4().hex[:10]}_tmpl"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return f"{SERVER_URL.rpartition('/')[0]}/{name}"

    def _fill(self, url: str) -> None:
        from api.service import EndpointService
        from runner.serving import Session
        from runner.tasks.build import seed
        from runner.workspace import Workspace

        workspace = Workspace.open(REPO, url)
        seed(workspace)
        EndpointService(Session(workspace)).answer({"as_of": self.AS_OF})
        workspace.adapter.close()  # a template database must have no connection left

    def drop(self, url: str) -> None:
        if not url.startswith("sqlite"):
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def _admin():
    import psycopg

    return psycopg.connect(SERVER_URL, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory):
    templates = StoreTemplates(tmp_path_factory.mktemp("store_template"))
    yield templates
    for url in templates.made.values():
        templates.drop(url)


@pytest.fixture
def store_db(engine, store_templates, tmp_path, request) -> str:
    """A private copy of the store's seed fixtures on the engine under test, with the
    incremental state built as of the fixtures' instant."""
    if engine == "postgres":
        request.getfixturevalue("pg_database")  # skips, saying why, without a server
    url = store_templates.copy(engine, tmp_path)
    yield url
    store_templates.drop(url)


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
