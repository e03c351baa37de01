"""A tiny run of the live-store benchmark (bench/live.py), so the script keeps working:
server, storefront process, readers, the exactness check and the late batch, on both
engines. No timing is asserted; the answer after the writes must be exact."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bench import dashboard as bd
from bench import live
from bench.generate import generate

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_live_benchmark_smoke(tmp_path, monkeypatch, pg_database, engine):
    monkeypatch.setattr(bd, "OUT", tmp_path)
    monkeypatch.setattr(bd, "SERVER", pg_database)
    as_of = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=5)
    report = live.scenario(engine, 700, list(generate(700, as_of)), seconds=1)
    check = report["exact_check"]
    assert (check["ok"], check["statuses"], check["differing_fields"]) == (True, [200] * 5, [])
    assert check["catch_up_seconds"] >= 0 and report["errors"] == []
    assert report["inserts_live"]["failures"] == 0 and report["late"]["events"] > 0
    assert "| 700 |" in live.table([{**report, "duckdb_build_seconds": 1.0}])
    assert all(report["endpoints"][n]["warm"]["n"] > 0 for n in live.ENDPOINTS)
    assert "| 700 | " + engine + " | rfm |" in live.endpoint_table([report])
