"""Faults (issue 4, item 4): the database goes away, is slow, is saturated, is locked;
the project breaks on disk. Answers are fast 503s and the server recovers by itself."""

from __future__ import annotations

import logging
import socket
import sqlite3
import threading
import time

import falcon.testing
import pytest

from api.app import create_app
from runner.adapters import ConnectionSettings
from runner.errors import DatabaseError
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, bearer, config, token
from tests.helpers import REPO, copy_project

pytestmark = pytest.mark.slow


def get(client):
    return client.simulate_get(PATH, headers=bearer(token()), params={"as_of": AS_OF})


class Proxy:
    """A TCP forwarder to PostgreSQL that the test can cut and restore, as if the server
    stopped and came back."""

    def __init__(self, target=("127.0.0.1", 5432)) -> None:
        self.target = target
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.listener = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets.clear()


def test_postgres_going_away_is_503_then_recovers(pg_database):
    seed(Workspace.open(REPO, pg_database))
    proxy = Proxy()
    proxy.start()
    url = pg_database.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    ws = Workspace.open(
        REPO, url, settings=ConnectionSettings(pool_size=2, pool_timeout=1.0, connect_timeout=2)
    )
    client = falcon.testing.TestClient(create_app(config(), Session(ws)))
    try:
        assert get(client).status_code == 200
        proxy.cut()
        down = get(client)
        assert down.status_code == 503 and int(down.headers["Retry-After"]) > 0
        proxy.start()
        deadline = time.monotonic() + 10
        while (status := get(client).status_code) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200
    finally:
        proxy.cut()
        ws.adapter.close()


def test_statement_timeout_interrupts_and_is_classified_as_a_timeout(db_url, engine):
    """A statement that would run for seconds is interrupted by the timeout: the error is
    the adapter's "timeout" (a 503 for the API), not a finished query or a SQL error."""
    slow = {
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) "
        "SELECT count(*) FROM c",
        "postgres": "SELECT pg_sleep(5)",
    }[engine]
    ws = Workspace.open(REPO, db_url, settings=ConnectionSettings(statement_timeout_ms=200))
    with ws.adapter.connection() as conn, pytest.raises(DatabaseError) as err:
        ws.adapter.query(conn, slow)
    assert err.value.cause == "timeout" and err.value.unavailable


def test_pool_exhausted_is_a_503(pg_database):
    seed(Workspace.open(REPO, pg_database))
    ws = Workspace.open(
        REPO, pg_database, settings=ConnectionSettings(pool_size=1, pool_timeout=0.5)
    )
    client = falcon.testing.TestClient(create_app(config(), Session(ws)))
    try:
        assert get(client).status_code == 200
        with ws.adapter.connection():
            assert get(client).status_code == 503
        assert get(client).status_code == 200
    finally:
        ws.adapter.close()


def test_sqlite_models_file_locked_by_another_writer_is_503_then_recovers(tmp_path):
    """The first request must build the incremental tables; another writer holds the
    models' file: after the lock wait (0.5 s here) the answer is a 503, then it recovers."""
    url = f"sqlite:///{tmp_path}/locked.db"
    seed(Workspace.open(REPO, url))
    ws = Workspace.open(REPO, url, settings=ConnectionSettings(read_only=True, lock_timeout=0.5))
    client = falcon.testing.TestClient(create_app(config(), Session(ws)))
    writer = sqlite3.connect(tmp_path / "locked.analytics.db", isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        assert get(client).status_code == 503
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert get(client).status_code == 200


def test_a_storefront_transaction_on_the_sources_file_does_not_block_the_api(tmp_path):
    """runner seed puts the sources' file in WAL mode: a writer's open transaction on
    events (the storefront's) never makes a request wait, nor the other way round."""
    url = f"sqlite:///{tmp_path}/live.db"
    seed(Workspace.open(REPO, url))
    ws = Workspace.open(REPO, url, settings=ConnectionSettings(read_only=True, lock_timeout=0.5))
    client = falcon.testing.TestClient(create_app(config(), Session(ws)))
    storefront = sqlite3.connect(tmp_path / "live.db", isolation_level=None, timeout=5)
    assert storefront.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    storefront.execute("BEGIN IMMEDIATE")
    try:
        storefront.execute(
            "INSERT INTO events (event_type, session_id, created_at) "
            "VALUES ('page_view', 'live', '2024-05-22 11:00:00')"
        )
        assert get(client).status_code == 200
    finally:
        storefront.execute("COMMIT")
        storefront.close()


def test_broken_model_on_disk_keeps_the_last_good_project(tmp_path, caplog):
    root = copy_project(tmp_path / "project")
    url = f"sqlite:///{tmp_path}/p.db"
    seed(Workspace.open(root, url))
    session = Session(Workspace.open(root, url), watch=True, watch_interval=0)
    client = falcon.testing.TestClient(create_app(config(), session))
    before = get(client).json
    model = root / "models/marts/sales_summary.sql"
    good = model.read_text()
    model.write_text(
        good.replace("FROM {{ ref('int_window_facts') }}", "FROM {{ ref('int_window_fact') }}")
    )
    with caplog.at_level(logging.ERROR, logger="api"):
        after = get(client)
    assert after.status_code == 200 and after.json == before
    assert "serving the last good one" in caplog.text and "sales_summary.sql" in caplog.text
    assert client.simulate_get("/readyz").json["project"] == "stale"
    model.write_text(
        good.replace("{{ events() }} AS total_sales", "{{ events() }} + 1000 AS total_sales")
    )
    time.sleep(0.01)
    assert get(client).json["total_sales"] == before["total_sales"] + 1000
    assert client.simulate_get("/readyz").json["project"] == "ok"
