"""Helpers shared by tests of several packages (fixtures stay in conftest files)."""

from __future__ import annotations

import itertools
import shutil
import socket
import uuid
from pathlib import Path
from urllib.parse import quote

from bench.load import wait_for_port, wait_until_ready  # noqa: F401 - tests import them from here
from runner.adapters import adapter_for_url
from runner.render.renderer import Renderer
from runner.tasks.build import drop_incremental
from runner.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
EVENT_COLUMNS = (
    "id", "event_type", "session_id", "user_id", "product_slug", "product_name", "price",
    "metadata", "source", "error_message", "idempotency_key", "created_at",
)  # fmt: skip
_schema_numbers = itertools.count(1)
PROJECT_PARTS = ("project.yml", "models", "macros", "seeds", "data-tests")


def copy_project(target: Path) -> Path:
    """A copy of the store's project (files only, no target/) that a test may break."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        elif src.exists():
            shutil.copy(src, target / part)
    return target


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_schema_url(pg_database: str) -> str:
    import psycopg

    schema = f"t{next(_schema_numbers)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{pg_database}?options={quote(f'-csearch_path={schema}')}"


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


def dashboard(url: str, mode: str, as_of: str) -> dict:
    from api.service import EndpointService
    from runner.serving import Session

    service = EndpointService(Session(Workspace.open(REPO, database=url)))
    return service.answer({"mode": mode, "as_of": as_of})


def answer(url: str, endpoint: str, query: dict, now=None) -> dict:
    """What the endpoint named ``endpoint`` (its CLI name: funnel, alerts, rfm) answers
    to ``query`` over the events at ``url``; ``now``: the request time."""
    from api.endpoint import by_cli_name
    from api.service import EndpointService
    from runner.serving import Session

    service = EndpointService(Session(Workspace.open(REPO, database=url)), by_cli_name(endpoint))
    return service.answer(query, now=now)


def adapter(url: str, root: Path = REPO):
    return adapter_for_url(url, root)
