"""Spec section 2, the request's parameters: mode, as_of, start and end (issue 10)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.endpoint import DASHBOARD_STATS
from api.period import resolve_request
from runner.errors import ParamError
from runner.project.loader import load_project
from tests.helpers import REPO

NOW = datetime(2026, 11, 28, 15, 30, 0, 250000, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-28 15:30:00.250000"


PARAMS = load_project(REPO).params


def DashboardQuery(mode: str, as_of: str, days: int) -> dict:
    """What a request resolves to: the project's params mode, as_of and window_days, and
    every other param (the funnel's) at its default."""
    defaults = {n: s.default for n, s in PARAMS.items()}
    return {**defaults, "mode": mode, "as_of": as_of, "window_days": days}


def parse_query(params, now=NOW, days=None) -> dict:
    return dict(resolve_request(DASHBOARD_STATS, PARAMS, params, now, days))


def query(**params) -> dict:
    return parse_query(params, now=NOW)


@pytest.mark.parametrize("days", [7, 30, 90])
def test_the_admin_pages_buttons(days):
    """end = today, start = today - N: as of the request time, over N days."""
    from datetime import timedelta

    start = (NOW - timedelta(days=days)).date().isoformat()
    assert query(mode="unique", start=start, end="2026-11-28") == DashboardQuery(
        "unique", NOW_TEXT, days
    )


def test_an_end_after_today_is_as_of_now():
    assert query(start="2026-11-22", end="2026-11-29") == DashboardQuery("total", NOW_TEXT, 7)


def test_a_past_end_is_its_last_microsecond():
    got = query(start="2024-05-20", end="2024-05-22")
    assert got == DashboardQuery("total", "2024-05-22 23:59:59.999999", 2)


def test_no_period_is_seven_days_as_of_now():
    assert query() == DashboardQuery("total", NOW_TEXT, 7)


def test_start_without_end_counts_from_the_date_of_as_of():
    got = query(start="2024-05-12", as_of="2024-05-22T08:00:00-05:00")
    assert got == DashboardQuery("total", "2024-05-22 13:00:00.000000", 10)
    assert query(start="2026-11-27")["window_days"] == 1  # without as_of: from today


def test_an_end_alone_keeps_seven_days():
    assert query(end="2024-05-22") == DashboardQuery("total", "2024-05-22 23:59:59.999999", 7)


def test_days_can_be_given_directly_but_not_with_start():
    assert parse_query({}, now=NOW, days=90)["window_days"] == 90
    with pytest.raises(ParamError) as err:
        parse_query({"start": "2026-11-01"}, now=NOW, days=30)
    assert err.value.param == "days"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"start": "2026-11-28", "end": "2026-11-28"}, "start"),  # N = 0
        ({"start": "2026-11-29", "end": "2026-11-28"}, "start"),  # start after end
        ({"start": "2025-11-26", "end": "2026-11-28"}, "start"),  # 367: 366 is the most
        ({"end": "2024-05-22", "as_of": "2024-05-22T12:00:00Z"}, "end"),
        ({"start": "2026/11/21"}, "start"),
        ({"start": "20261121"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"end": "2026-11-28 "}, "end"),
        ({"end": "1899-12-31"}, "end"),
        ({"end": ["2026-11-28", "2026-11-28"]}, "end"),
        ({"start": ["2026-11-21", "2026-11-22"]}, "start"),
        ({"mode": "TOTAL"}, "mode"),
        ({"as_of": "yesterday"}, "as_of"),
    ],
)
def test_bad_periods_name_the_parameter(params, param):
    with pytest.raises(ParamError) as err:
        query(**params)
    assert err.value.param == param


def test_a_year_is_the_longest_window():
    assert query(start="2025-11-28", end="2026-11-28")["window_days"] == 365
    assert query(start="2024-02-28", end="2025-02-28")["window_days"] == 366  # across a leap day


def test_other_parameters_are_ignored():
    assert query(_="1716380000", utm_source="ig", days="90", start="2026-11-21") == query(
        start="2026-11-21"
    )
