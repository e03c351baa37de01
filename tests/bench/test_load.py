"""Concurrent load through gunicorn (issue 4, item 5), short version of bench/load.py:
every answer matches its own token and mode, no 5xx, memory stable."""

from __future__ import annotations

import pytest

from bench.load import benchmark

pytestmark = pytest.mark.slow


def test_fifty_clients_get_their_own_answers(db_url):
    result = benchmark(db_url, seconds=8, clients=50, workers=2, threads=4)
    assert result["requests"] > 50
    assert result["mismatch_count"] == 0, result["mismatches"]
    assert not any(s.startswith("5") for s in result["statuses"])
    assert set(result["statuses"]) <= {"200", "401", "403"}
    start, end = result["rss_mb"]["start"], result["rss_mb"]["end"]
    assert end < start * 1.5 + 20, result["rss_mb"]
