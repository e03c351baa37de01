"""bench's plain-Python baseline computes the whole body exactly like the tests' reference
(two independent readings of the spec), so the live benchmark can check its final
answer with it."""

from __future__ import annotations

from datetime import datetime

import pytest

from bench.baseline import python_dashboard
from tests.fixtures.events_seed import FIXTURE_AS_OF, seed_rows
from tests.reference import compute

FIELDS = ("id", "event_type", "session_id", "user_id", "product_slug", "product_name", "price",
          "metadata", "source", "created_at")  # fmt: skip


@pytest.mark.parametrize("days", [1, 7, 30, 120])
@pytest.mark.parametrize("mode", ["total", "unique"])
def test_the_baseline_equals_the_reference(mode, days):
    rows = seed_rows()
    as_of = datetime.fromisoformat(FIXTURE_AS_OF)
    tuples = [tuple(r[f] for f in FIELDS) for r in rows]
    assert python_dashboard(tuples, mode, as_of, days) == compute(rows, mode, as_of, days)
