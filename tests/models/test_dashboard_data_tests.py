"""The dashboard project's own data tests pass on the fixtures, on both engines."""

from __future__ import annotations

from runner.tasks.build import data_tests, run, seed
from runner.workspace import Workspace
from tests.fixtures.events_seed import FIXTURE_AS_OF
from tests.helpers import REPO


def test_every_dashboard_data_test_passes(db_url):
    ws = Workspace.open(REPO, db_url)
    seed(ws)
    assert {r.status for r in run(ws, None, {"as_of": FIXTURE_AS_OF}, temp=False)} == {"OK"}
    results = data_tests(ws, None, {"as_of": FIXTURE_AS_OF})
    assert len(results) >= 40
    assert [r.name for r in results if r.status != "PASS"] == []
    assert "timelines_have_every_window_day" in {r.name for r in results}
