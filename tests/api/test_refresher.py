"""The refresher (api/refresher.py): it applies arrivals off the request path, reconciles
when due, and survives a failing pass; a server's app starts one."""

from __future__ import annotations

from api.refresher import Refresher
from api.service import EndpointService
from runner.serving import Session
from runner.workspace import Workspace
from tests.helpers import REPO, append_events, create_events

AS_OF = "2024-05-22T12:00:00Z"


def purchase(id_: int, at: str = "2024-05-20 10:00:00") -> dict:
    return {"id": id_, "event_type": "purchase", "session_id": f"s{id_}", "price": "10",
            "created_at": at}  # fmt: skip


def test_a_pass_applies_what_arrived_so_a_request_finds_nothing_to_apply(db_url):
    create_events(db_url, [purchase(1), purchase(2)])
    service = EndpointService(Session(Workspace.open(REPO, db_url)))
    refresher = Refresher(service.refresh, reconcile_every=3600)
    assert refresher.run_once() > 0  # builds the state
    append_events(db_url, [purchase(3)])
    assert refresher.run_once() > 0  # applies the arrival
    assert service.refresh() == 0  # nothing left for a request
    assert service.answer({"mode": "total", "as_of": AS_OF})["total_sales"] == 3


def test_reconciling_is_due_after_its_interval(db_url):
    create_events(db_url, [purchase(1), purchase(2)])
    service = EndpointService(Session(Workspace.open(REPO, db_url)))
    Refresher(service.refresh, reconcile_every=3600).run_once()
    ws = Workspace.open(REPO, db_url)
    with ws.adapter.connection() as conn:
        ws.adapter.execute(conn, "DELETE FROM events WHERE id = 2")
    Refresher(service.refresh, reconcile_every=3600).run_once()  # not due: the deletion waits
    assert service.answer({"mode": "total", "as_of": AS_OF})["total_sales"] == 2
    Refresher(service.refresh, reconcile_every=0).run_once()  # due
    assert service.answer({"mode": "total", "as_of": AS_OF})["total_sales"] == 1


def test_a_failing_pass_is_logged_and_the_next_one_works(tmp_path, caplog):
    url = f"sqlite:///{tmp_path}/late.db"
    service = EndpointService(Session(Workspace.open(REPO, url)))
    refresher = Refresher(service.refresh)
    assert refresher.run_once() == 0  # no events table yet
    assert "refresh failed" in caplog.text
    create_events(url, [purchase(1)])
    assert refresher.run_once() > 0


def test_the_thread_applies_an_arrival_by_itself(db_url):
    """No request, no explicit refresh: the thread's passes bring the event into the
    stored state."""
    import time

    create_events(db_url, [purchase(1)])
    ws = Workspace.open(REPO, db_url)
    refresher = Refresher(EndpointService(Session(ws)).refresh, interval=0.05).start()
    try:
        append_events(db_url, [purchase(2)])
        deadline, stored = time.monotonic() + 30, 0
        while stored < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            with ws.adapter.connection() as conn:
                if ws.adapter.relation_kind(conn, "int_events") == "table":
                    stored = ws.adapter.count(conn, ws.adapter.qualify("int_events"))
    finally:
        refresher.stop()
    assert stored == 2
