"""The dashboard's incremental tables (int_events and its rollups) under arrivals that a
plain watermark would miss, on both engines."""

from __future__ import annotations

import threading

from api.service import EndpointService
from runner.serving import Session
from runner.workspace import Workspace
from tests.helpers import REPO, append_events
from tests.reference import compute

AS_OF = "2024-05-22T12:30:00+00:00"


def event(id_, kind, session, at, **extra):
    return {"id": id_, "event_type": kind, "session_id": session, "created_at": at, **extra}


def reference(rows, mode="unique"):
    from datetime import datetime

    return compute(rows, mode, datetime.fromisoformat(AS_OF))


def test_an_id_committed_after_a_higher_one_is_still_counted(events_db):
    """PostgreSQL hands out ids before commit: id 15 may become visible after id 20 was
    processed. The incremental run re-checks var('late_commit_ids') ids below its mark."""
    rows = [event(i, "purchase", f"s{i}", "2024-05-20 10:00:00", price="10") for i in (1, 2, 20)]
    url = events_db(rows)
    service = EndpointService(Session(Workspace.open(REPO, url)))
    assert service.answer({"mode": "total", "as_of": AS_OF})["total_sales"] == 3
    late = event(15, "purchase", "s1", "2024-05-21 10:00:00", price="5")
    append_events(url, [late])
    body = service.answer({"mode": "unique", "as_of": AS_OF})
    assert body["total_sales"] == 4
    assert body == reference([*rows, late])


def test_a_late_event_changes_which_event_is_first_in_the_window(events_db):
    """A page_view arriving late, earlier than the session's first one, takes the credit
    (traffic_sources) and the session is still counted once."""
    rows = [event(1, "page_view", "s1", "2024-05-20 10:00:00", source="google"),
            event(2, "product_view", "s1", "2024-05-20 10:01:00", product_slug="tee")]  # fmt: skip
    url = events_db(rows)
    service = EndpointService(Session(Workspace.open(REPO, url)))
    assert service.answer({"mode": "unique", "as_of": AS_OF})["traffic_sources"] == [
        {"source": "google", "sessions": 1}
    ]
    late = event(3, "page_view", "s1", "2024-05-20 09:59:59.999999", source="ig")
    append_events(url, [late])
    body = service.answer({"mode": "unique", "as_of": AS_OF})
    assert body["traffic_sources"] == [{"source": "ig", "sessions": 1}]
    assert body["session_stats"]["unique_sessions"] == 1
    assert body == reference([*rows, late])


def test_concurrent_requests_apply_a_batch_once(events_db):
    rows = [event(i, "product_view", f"s{i % 7}", f"2024-05-2{i % 3} 10:{i % 60:02d}:00",
                  product_slug=f"p{i % 4}") for i in range(1, 200)]  # fmt: skip
    url = events_db(rows[:50])
    EndpointService(Session(Workspace.open(REPO, url))).answer({"mode": "total", "as_of": AS_OF})
    append_events(url, rows[50:])
    bodies, errors = [], []

    def request() -> None:
        try:
            bodies.append(
                EndpointService(Session(Workspace.open(REPO, url))).answer(
                    {"mode": "unique", "as_of": AS_OF}
                )
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(body == reference(rows) for body in bodies)
    ws = Workspace.open(REPO, url)
    with ws.adapter.connection() as conn:
        counts = ws.adapter.query(conn, "SELECT COUNT(*), COUNT(DISTINCT id) FROM int_events")[1]
    assert counts == [(199, 199)]


def test_late_events_in_whole_weeks_of_a_long_window(events_db):
    """A 90-day window reads whole weeks from the weekly rollup: events arriving late
    inside those weeks (one earlier than its session's first, so which event is first
    changes across a week boundary) are applied to the weeks they fall in."""
    from datetime import datetime, timedelta

    start = datetime(2024, 2, 26, 3, 0)
    kinds = ["page_view", "product_view", "add_to_cart", "purchase"]
    rows = [event(i, kinds[i % 4], f"s{i % 9}", str(start + timedelta(hours=17 * i)),
                  product_slug=f"p{i % 3}", price="10", source="google")
            for i in range(1, 120)]  # fmt: skip
    url = events_db(rows)
    service = EndpointService(Session(Workspace.open(REPO, url)))
    assert service.answer({"mode": "unique", "as_of": AS_OF}, days=90) == compute(
        rows, "unique", _as_of(), 90
    )
    late = [event(200, "product_view", "s1", "2024-03-05 08:00:00", product_slug="p1"),
            event(201, "purchase", "s4", "2024-04-10 23:59:59.999999", product_slug="p2",
                  price="7"),
            event(202, "page_view", "s5", "2024-05-21 10:00:00", source="ig")]  # fmt: skip
    append_events(url, late)
    for mode in ("unique", "total"):
        body = service.answer({"mode": mode, "as_of": AS_OF}, days=90)
        assert body == compute([*rows, *late], mode, _as_of(), 90), mode


def _as_of():
    from datetime import datetime

    return datetime.fromisoformat(AS_OF)
