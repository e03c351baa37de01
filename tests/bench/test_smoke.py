"""A tiny run of the dashboard benchmark, so the script keeps working. No timing is
asserted; the benchmark checks that DuckDB, the Python baseline and both engines agree."""

from __future__ import annotations

import pytest

from bench import dashboard

pytestmark = pytest.mark.slow


def test_benchmark_smoke(tmp_path, monkeypatch, pg_database):
    monkeypatch.setattr(dashboard, "OUT", tmp_path)
    monkeypatch.setattr(dashboard, "SERVER", pg_database)
    report = dashboard.bench_size(1500, runs=1, engines=["sqlite", "postgres"])
    assert report["engines_agree"] is True
    assert set(report["engines"]) == {"sqlite", "postgres"}
    assert "| 1,500 | 3,000 | sqlite | total |" in dashboard.table([report])


def test_the_benchmark_leaves_no_database_behind(pg_database):
    """Runs after the smoke run: the database it made (bench_events_1500) is gone.

    Only the smoke run's own name is checked: the server is shared, and a benchmark
    someone interrupted by hand may have left another size behind."""
    import psycopg

    with psycopg.connect(pg_database) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()]
    assert "bench_events_1500" not in names
