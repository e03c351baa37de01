"""The seed fixtures through the whole pipeline: seed, models, stitching.

Expected bodies are tests/golden/dashboard_<mode>.json, written by the plain-Python
reference (``python -m tests.regenerate_golden``) and spot-checked by hand below; the
reference is also recomputed here so the golden files cannot drift from it unnoticed.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from api.service import EndpointService
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.fixtures.events_seed import FIXTURE_AS_OF, seed_rows
from tests.helpers import REPO, pg_schema_url
from tests.reference import compute
from tests.regenerate_golden import BODIES, body_text, golden_text

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
MODES = ("total", "unique")


def golden(mode: str) -> dict:
    return json.loads((GOLDEN / f"dashboard_{mode}.json").read_text(encoding="utf-8"))


@pytest.fixture
def seeded(db_url):
    ws = Workspace.open(REPO, database=db_url)
    seed(ws)
    return EndpointService(Session(ws))


@pytest.mark.parametrize("mode", MODES)
def test_golden_matches_reference(mode):
    """The committed files are what ``python -m tests.regenerate_golden`` writes."""
    assert compute(seed_rows(), mode, datetime.fromisoformat(FIXTURE_AS_OF)) == golden(mode)
    assert (GOLDEN / f"dashboard_{mode}.json").read_text(encoding="utf-8") == golden_text(mode)


@pytest.mark.parametrize("name", list(BODIES))
def test_every_golden_file_is_what_regenerate_writes(name):
    """The admin endpoints' golden files too (funnel, alerts, rfm): never edited by hand."""
    assert (GOLDEN / f"{name}.json").read_text(encoding="utf-8") == body_text(name)


@pytest.mark.parametrize("mode", MODES)
def test_fixture_dashboard_matches_golden(seeded, mode):
    body = seeded.answer({"mode": mode, "as_of": FIXTURE_AS_OF})
    expected = golden(mode)
    assert list(body) == list(expected)  # key order too
    for key in expected:
        assert body[key] == expected[key], key


def test_hand_checked_fields():
    """A few numbers checked by hand against seeds/events.csv (see the fixture script)."""
    body = golden("total")
    # window edges: edge-start and edge-start-off (07:00-05:00 = 12:00Z) and edge-end count;
    # edge-before, edge-after and edge-after-off (08:00:01-04:00) do not
    track = next(p for p in body["product_performance"] if p["slug"] == "track-shorts")
    assert body["top_products"][-1] == {"slug": "denim-jacket", "count": 5}  # tie at 5 by slug
    assert {"slug": "oversized-hoodie", "count": 5} not in body["top_products"]
    assert track["name"] == "Track Shorts"
    # whatsapp: wa-abe and wa-zed clicked at the same instant: ties by session_id
    wa = body["whatsapp_sessions_list"]
    assert wa.index("wa-zed") == wa.index("wa-abe") + 1
    # retention: rita (2 days) and edge@ (exactly as_of - 90 days, and later) are recurrent;
    # omar's two events of one order are one day; old@'s first purchase is 1 s too early
    assert body["retention_metrics"]["recurrent_customers"] == 2
    assert body["events_timeline"][0]["date"] == "2024-05-15"
    assert len(body["events_timeline"]) == len(body["errors_timeline"]) == 8
    # first page_view decides: src-late's 07:30-05:00 is 12:30Z, before its 13:00 view
    assert {"source": "bing", "sessions": 1} in body["traffic_sources"]
    assert {"source": "newsletter", "sessions": 1} in body["traffic_sources"]


def test_sqlite_and_postgres_agree(tmp_path, pg_database):

    bodies = []
    for url in (f"sqlite:///{tmp_path}/parity.db", pg_schema_url(pg_database)):
        ws = Workspace.open(REPO, database=url)
        seed(ws)
        service = EndpointService(Session(ws))
        bodies.append([service.answer({"mode": mode, "as_of": FIXTURE_AS_OF}) for mode in MODES])
    assert bodies[0] == bodies[1]
