"""A live store's requests only read (issue 25): with a refresher keeping the state
current, a request never takes a write lock, never waits for a writer and never answers
503 because the server itself is writing; its answer says how current it is."""

from __future__ import annotations

import threading
from datetime import datetime

import falcon.testing

from api.app import create_app
from api.refresher import Refresher
from api.service import EndpointService
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, bearer, config, token
from tests.helpers import REPO, append_events

LATE = "2024-05-22T11:00:00Z"  # inside the fixtures' window


def purchase(id_: int) -> dict:
    return {"id": id_, "event_type": "purchase", "session_id": f"live-{id_}",
            "product_slug": "live-hat", "price": "1000", "created_at": LATE}  # fmt: skip


def server(url: str) -> tuple[falcon.testing.TestClient, Refresher, Session]:
    """What ``runner serve`` wires: a session that only reads, and its refresher (not
    started: the test runs its passes)."""
    session = Session(Workspace.open(REPO, url), refresh_on_query=False)
    service = EndpointService(session)
    refresher = Refresher(service.refresh)
    return falcon.testing.TestClient(create_app(config(), session, refresher)), refresher, session


def get(client: falcon.testing.TestClient):
    return client.simulate_get(PATH, headers=bearer(token()), params={"as_of": AS_OF})


def test_a_request_answers_while_a_writer_holds_every_lock(store_db):
    client, _, session = server(store_db)
    before = get(client).json["total_sales"]
    append_events(store_db, [purchase(100_001)])
    adapter = session.adapter
    models = ["int_events", "int_events_hourly", "int_events_daily", "int_events_weekly",
              "int_events_day_counts"]  # fmt: skip
    answered: list = []
    with adapter.connection(dedicated=True) as conn, adapter.transaction(conn, write_lock=models):
        # the request runs while another writer holds the write lock of every model
        request = threading.Thread(target=lambda: answered.append(get(client)))
        request.start()
        request.join(timeout=60)  # a request that waited for the lock never returns here
        assert answered, "the request waited for the writer"
    result = answered[0]
    assert result.status_code == 200, result.text
    assert result.json["total_sales"] == before  # the state as the last pass left it
    assert "refresh" not in result.headers["server-timing"]


def test_an_answer_says_through_when_events_are_counted(store_db):
    client, refresher, _ = server(store_db)
    first = get(client)
    assert "x-events-through" not in first.headers  # no pass has run: nothing is said
    append_events(store_db, [purchase(100_001)])
    assert get(client).json["total_sales"] == first.json["total_sales"]
    refresher.run_once()
    after = get(client)
    assert after.json["total_sales"] == first.json["total_sales"] + 1
    through = datetime.fromisoformat(after.headers["x-events-through"])
    assert through == refresher.through


def test_a_query_that_does_not_refresh_writes_nothing(store_db):
    session = Session(Workspace.open(REPO, store_db), refresh_on_query=False)
    append_events(store_db, [purchase(100_001)])
    timings: dict[str, float] = {}
    EndpointService(session).answer({"as_of": AS_OF})
    session.query(["sales_summary"], timings=timings)
    with session.adapter.connection() as conn:
        stored = session.adapter.query(conn, "SELECT COUNT(*) FROM int_events WHERE id = 100001")
    assert stored[1][0][0] == 0 and "refresh" not in timings


def test_a_server_whose_state_is_not_built_yet_is_not_ready(db_url):
    """Before the refresher's first pass the state does not exist: 503 and Retry-After
    (the database cannot answer yet), never the 500 of a broken model."""
    seed(Workspace.open(REPO, db_url))  # seeding drops the incremental models
    client, refresher, _ = server(db_url)
    early = get(client)
    assert early.status_code == 503 and early.headers["retry-after"]
    ready = client.simulate_get("/readyz")
    assert ready.status_code == 503 and ready.json["events_through"] == "building"
    refresher.run_once()
    assert get(client).status_code == 200
    assert client.simulate_get("/readyz").status_code == 200


def test_through_is_never_later_than_the_state_the_answer_read(store_db, monkeypatch):
    """A pass that completes while a request reads the models is not claimed by its
    answer (the answer may have read the state from before the pass)."""
    client, refresher, _ = server(store_db)
    refresher.run_once()
    before = refresher.through
    append_events(store_db, [purchase(100_001)])
    read_models = EndpointService.compute

    def a_pass_completes_meanwhile(self, values, timings=None):
        body = read_models(self, values, timings)  # the state without the arrival
        refresher.run_once()
        return body

    monkeypatch.setattr(EndpointService, "compute", a_pass_completes_meanwhile)
    answer = get(client)
    assert datetime.fromisoformat(answer.headers["x-events-through"]) == before < refresher.through
