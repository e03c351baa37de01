"""``runner build --select MODEL`` on a project that was built before (issue 14, item 1):
seeding again keeps the incremental parents, so the selected model builds and tests."""

from __future__ import annotations

from runner.tasks.build import build, run, seed
from runner.workspace import Workspace
from tests.helpers import REPO


def test_build_select_on_a_built_project_builds_and_tests_the_model(db_url):
    ws = Workspace.open(REPO, db_url)
    seed(ws)
    run(ws, None, None)
    results = build(ws, ["whatsapp_sessions_list"])
    assert results and all(r.status in ("OK", "PASS") for r in results)
    assert {r.name for r in results if hasattr(r, "materialized")} == {"whatsapp_sessions_list"}
