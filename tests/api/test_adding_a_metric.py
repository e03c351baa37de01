"""The README's "Adding a metric" walkthrough, done in a throw-away copy of the project:
distinct logged-in buyers in the window, a new distinct count, in three files (a line
in project.yml, one mart, one contract declaration), on both engines."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.contract import DASHBOARD, INT, value
from api.service import DashboardService
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.fixtures.events_seed import FIXTURE_AS_OF, seed_rows
from tests.helpers import copy_project
from tests.reference import instant

KEY_LINE = "    slug: [session_id, event_type, product_slug]  # ... per event type and product\n"
MART = """\
{#- logged_in_buyers: distinct logged-in users with a purchase in W -#}
SELECT {{ distinct('buyer', "event_type = 'purchase'") }} AS logged_in_buyers
FROM {{ ref('int_window_facts') }}
WHERE event_type = 'purchase'
"""
FIELD = value("logged_in_buyers", "logged_in_buyers", INT)  # the contract's one line


def add_the_metric(root) -> list[str]:
    """The walkthrough's edits; returns the files touched."""
    config = root / "project.yml"
    text = config.read_text(encoding="utf-8")
    assert KEY_LINE in text
    config.write_text(text.replace(KEY_LINE, KEY_LINE + "    buyer: [user_id, event_type]\n"))
    (root / "models/marts/logged_in_buyers.sql").write_text(MART, encoding="utf-8")
    return ["project.yml", "models/marts/logged_in_buyers.sql", "api/contract.py"]


def expected_buyers(days: int) -> int:
    """Independent of the SQL: non-empty user_ids with a purchase in W."""
    as_of = datetime.fromisoformat(FIXTURE_AS_OF)
    return len({
        r["user_id"] for r in seed_rows()
        if r["event_type"] == "purchase" and r["user_id"]
        and (ts := instant(r["created_at"])) is not None
        and as_of - timedelta(days=days) <= ts <= as_of
    })  # fmt: skip


def test_a_new_distinct_count_touches_three_files(tmp_path, db_url):
    root = copy_project(tmp_path / "project")
    assert len(add_the_metric(root)) == 3
    ws = Workspace.open(root, db_url)
    seed(ws)
    service = DashboardService(ws, contract=DASHBOARD.with_fields(FIELD))
    for days in (7, 90):
        body = service.compute("total", FIXTURE_AS_OF, days)
        assert body["logged_in_buyers"] == expected_buyers(days) > 0
        assert list(body)[-1] == "logged_in_buyers"
        assert service.contract.check(body, "total", days) == []
