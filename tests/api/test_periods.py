"""Periods through the endpoint on both engines (spec section 2): the admin page's
start/end over the seed fixtures equal the plain-Python reference for N = 1, 7, 30 and
90 days, as of a past end; retention stays 90 days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from tests.api.conftest import PATH, bearer, token
from tests.fixtures.events_seed import seed_rows
from tests.reference import compute

END = date(2024, 5, 22)  # the fixtures' last day: a past end
AS_OF = datetime.combine(END, time(23, 59, 59, 999999), tzinfo=timezone.utc)


@pytest.mark.parametrize("days", [1, 7, 30, 90])
@pytest.mark.parametrize("mode", ["total", "unique"])
def test_a_period_equals_the_reference(shared_client, mode, days):
    start = END - timedelta(days=days)
    result = shared_client.simulate_get(
        PATH, headers=bearer(token()), query_string=f"mode={mode}&start={start}&end={END}"
    )
    assert result.status_code == 200
    body = result.json
    assert body == compute(seed_rows(), mode, AS_OF, days)
    assert len(body["events_timeline"]) == len(body["errors_timeline"]) == days + 1
    assert body["events_timeline"][0]["date"] == str(start)
    assert body["retention_metrics"]["period_days"] == 90


def test_a_longer_window_counts_more_history(client):
    """The fixtures hold purchases before the week: a 90-day window sees them."""
    week, quarter = (
        client.simulate_get(
            PATH,
            headers=bearer(token()),
            params={"start": str(END - timedelta(days=n)), "end": str(END)},
        ).json["total_sales"]
        for n in (7, 90)
    )
    assert quarter > week
