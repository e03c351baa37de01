"""bench's baseline fetches every row the dashboard can read: over the rows it fetches
from a seeded database, the reference gives the same body as over every row, with events
on both sides of the window's and retention's first instant."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bench.baseline import fetch_rows, python_dashboard
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.fixtures.events_seed import FIXTURE_AS_OF, seed_rows
from tests.helpers import REPO, append_events
from tests.reference import compute


def purchase(id_: int, when: datetime) -> dict:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"id": id_, "event_type": "purchase", "session_id": f"edge-{id_}", "user_id": "edge",
            "product_slug": "edge-hat", "price": "1000", "metadata": None, "created_at": stamp}  # fmt: skip


@pytest.mark.parametrize("days", [1, 30, 120])
def test_the_fetched_rows_are_every_row_the_dashboard_reads(db_url, days):
    ws = Workspace.open(REPO, db_url)
    seed(ws)
    as_of = datetime.fromisoformat(FIXTURE_AS_OF)
    first = 10_000
    edges = [as_of - timedelta(days=n) for n in (days, 90, max(days, 90) + 3)]
    extra = [purchase(first + i, e + timedelta(microseconds=d)) for i, (e, d) in
             enumerate((e, d) for e in edges for d in (-1, 0, 1))]  # fmt: skip
    append_events(db_url, extra)
    with ws.adapter.connection() as conn:
        fetched = fetch_rows(ws.adapter, conn, as_of, days)
    every = seed_rows() + extra
    assert len(fetched) == len(every) - 3  # only the events before every window
    for mode in ("total", "unique"):
        assert python_dashboard(fetched, mode, as_of, days) == compute(every, mode, as_of, days)
