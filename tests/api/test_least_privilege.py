"""Least privilege (issue 4, item 3): the API's PostgreSQL role reads `events` and
writes only temporary tables and its own schema; SQLite is opened read-only."""

from __future__ import annotations

import uuid

import falcon.testing
import psycopg
import pytest

from api.app import create_app
from runner.errors import DatabaseError
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, bearer, config, token
from tests.helpers import REPO

GRANTS = (REPO / "deploy/postgres-roles.sql").read_text()


@pytest.fixture
def api_role_url(pg_database):
    seed(Workspace.open(REPO, pg_database))  # events in public, as the owner
    role = f"analytics_api_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute("DROP SCHEMA IF EXISTS analytics CASCADE")
        admin.execute(GRANTS.replace("analytics_api", role))  # the file as shipped
    base, _, name = pg_database.rpartition("/")
    yield base.replace("postgres@", f"{role}@") + "/" + name
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute("DROP SCHEMA analytics CASCADE")
        admin.execute(f"REVOKE ALL ON public.events FROM {role}")
        admin.execute(f"REVOKE ALL ON SCHEMA public FROM {role}")
        admin.execute(f"DROP OWNED BY {role}")
        admin.execute(f"DROP ROLE {role}")


def test_api_role_serves_the_dashboard_but_cannot_touch_events(api_role_url):
    ws = Workspace.open(REPO, api_role_url)
    client = falcon.testing.TestClient(create_app(config(), Session(ws)))
    result = client.simulate_get(PATH, headers=bearer(token()), params={"as_of": AS_OF})
    assert result.status_code == 200 and result.json["total_sales"] == 67
    with ws.adapter.connection() as conn:
        for statement in (
            "UPDATE events SET price = '0'",
            "DELETE FROM events",
            "INSERT INTO events (event_type, session_id, created_at) VALUES ('x', 'y', now())",
            "DROP TABLE events",
            "CREATE TABLE public.intruder (x int)",
        ):
            with pytest.raises(DatabaseError, match="permission denied|must be owner"):
                ws.adapter.execute(conn, statement)
        ws.adapter.execute(conn, "CREATE TABLE own_table AS SELECT 1 AS x")  # its own schema


def test_runner_builds_models_in_the_api_roles_own_schema(api_role_url):
    from runner.tasks.build import run

    ws = Workspace.open(REPO, api_role_url)
    assert all(r.status == "OK" for r in run(ws, None, {"as_of": AS_OF}, temp=False))
