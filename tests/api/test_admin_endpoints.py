"""The admin page's funnel, alerts and RFM (admin-endpoints.md) through the app, on the
seed fixtures and both engines: the golden bodies, each endpoint's parameters (the
funnel's shared period rules with 30 days by default and its source filter; alerts and
RFM read as_of only), the invariants the spec lists against dashboard-stats, the
OpenAPI document and ``runner dashboard --endpoint``. The answers every endpoint gives
alike (401/403/400/405/503, CORS, no-store) are the dashboard's tests, run on every
path (tests/api/test_endpoint.py, test_auth.py, test_store_tokens.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from api.admin_contracts import ALERTS, FUNNEL, RFM
from runner.project.loader import load_project
from tests.api.conftest import AS_OF, PATH, PATHS, bearer, token
from tests.fixtures.events_seed import seed_rows
from tests.helpers import REPO
from tests.reference import funnel

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CONTRACTS = {"funnel": FUNNEL, "alerts": ALERTS, "rfm": RFM}
FIXTURES_AS_OF = datetime(2024, 5, 22, 12, 0, tzinfo=timezone.utc)


def get(client, name: str, query_string: str | None = None, **params):
    """GET the endpoint named ``name`` (or a path) with ``params`` or a raw query string."""
    path, headers = PATHS.get(name, name), bearer(token())
    if query_string is not None:
        return client.simulate_get(path, headers=headers, query_string=query_string)
    return client.simulate_get(path, headers=headers, params=params)


@pytest.mark.parametrize("name", CONTRACTS)
def test_bodies_are_the_golden_files(shared_client, name):
    result = get(shared_client, name, as_of=AS_OF)
    assert result.status_code == 200
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert result.json == expected and list(result.json) == list(expected)
    assert CONTRACTS[name].bind(load_project(REPO)).check(result.json) == []
    assert result.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", CONTRACTS)
def test_paths_without_the_trailing_slash(sqlite_client, name):
    plain = get(sqlite_client, name, as_of=AS_OF)
    bare = get(sqlite_client, PATHS[name].rstrip("/"), as_of=AS_OF)
    assert bare.status_code == 200 and bare.json == plain.json


@pytest.mark.parametrize("source", ["", "direct", "google", "instagram", "Google", "nada", "señal"])
def test_the_funnel_filters_by_source(shared_client, source):
    result = get(shared_client, "funnel", as_of=AS_OF, source=source)
    assert result.status_code == 200
    assert result.json == funnel(seed_rows(), FIXTURES_AS_OF, 30, source)


def test_the_funnel_takes_the_shared_period_rules(sqlite_client):
    week = get(sqlite_client, "funnel", start="2024-05-15", end="2024-05-22")
    assert week.json["end_date"] == "2024-05-22T23:59:59.999999+00:00"  # a past end
    assert week.json["start_date"] == "2024-05-15T23:59:59.999999+00:00"
    day = get(sqlite_client, "funnel", start="2024-05-21", as_of=AS_OF)
    assert (day.json["start_date"], day.json["end_date"]) == (
        "2024-05-21T12:00:00.000000+00:00", "2024-05-22T12:00:00.000000+00:00"
    )  # fmt: skip
    today = datetime.now(timezone.utc).date()
    now = get(sqlite_client, "funnel", end=str(today))  # today: as of the request time
    shown = datetime.fromisoformat(now.json["end_date"])
    assert abs((datetime.now(timezone.utc) - shown).total_seconds()) < 600


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("start=2024-05-23&end=2024-05-22", "start"),  # start after end: the old view's zeros
        ("start=2024-05-22&end=2024-05-22", "start"),
        ("start=2023-05-21&end=2024-05-22", "start"),  # 367 days
        (f"end=2024-05-22&as_of={AS_OF}", "end"),
        ("end=2024-5-22", "end"),
        (f"as_of={AS_OF}&source=a&source=b", "source"),
        (f"as_of={AS_OF}&source=" + "x" * 65, "source"),
        (f"as_of={AS_OF}&source=go%00gle", "source"),
        ("as_of=2024-13-01", "as_of"),
    ],
)
def test_bad_funnel_parameters_are_400_naming_them(sqlite_client, query, param):
    result = get(sqlite_client, "funnel", query_string=query)
    assert result.status_code == 400
    assert param in result.json["description"]


def test_a_source_of_64_characters_and_an_empty_one(sqlite_client):
    assert get(sqlite_client, "funnel", as_of=AS_OF, source="x" * 64).status_code == 200
    empty = get(sqlite_client, "funnel", query_string=f"as_of={AS_OF}&source=")
    assert empty.json == get(sqlite_client, "funnel", as_of=AS_OF).json


@pytest.mark.parametrize("name", ["alerts", "rfm"])
@pytest.mark.parametrize(
    "extra",
    ["start=2024-05-01&end=2024-05-02", "mode=nonsense", "segment=champions", "source=x",
     "end=2024-05-22", "_=1716380000", "days=abc"],
)  # fmt: skip
def test_alerts_and_rfm_read_as_of_only(sqlite_client, name, extra):
    plain = get(sqlite_client, name, query_string=f"as_of={quote(AS_OF)}")
    tagged = get(sqlite_client, name, query_string=f"as_of={quote(AS_OF)}&{extra}")
    assert tagged.status_code == 200 and tagged.json == plain.json


@pytest.mark.parametrize("days", [7, 30])
def test_the_funnel_is_the_dashboards_unique_counts(shared_client, days):
    """Spec: for the same as_of and N, product_view .. purchase equal dashboard-stats'
    event_counts in unique mode, and the unfiltered page_view the sum of its
    traffic_sources' sessions."""
    period = {"start": str(FIXTURES_AS_OF.date() - timedelta(days=days)), "as_of": AS_OF}
    steps = {s["step"]: s["count"] for s in get(shared_client, "funnel", **period).json["funnel"]}
    stats = shared_client.simulate_get(
        PATH, headers=bearer(token()), params={"mode": "unique", **period}
    ).json
    assert {k: steps[k] for k in stats["event_counts"]} == stats["event_counts"]
    assert steps["page_view"] == sum(s["sessions"] for s in stats["traffic_sources"])
    assert steps["page_view"] > 0


def test_the_openapi_document_declares_each_endpoints_parameters(sqlite_client):
    doc = sqlite_client.simulate_get("/api/openapi.json").json
    params = {
        path: {p["name"]: p["schema"] for p in op["get"]["parameters"]}
        for path, op in doc["paths"].items()
    }
    assert list(params[PATHS["funnel"]]) == ["source", "start", "end", "as_of"]
    assert params[PATHS["funnel"]]["source"]["maxLength"] == 64
    assert params[PATHS["funnel"]]["source"]["default"] == ""
    assert "default 30" in next(
        p["description"] for p in doc["paths"][PATHS["funnel"]]["get"]["parameters"]
        if p["name"] == "start"
    )  # fmt: skip
    assert list(params[PATHS["alerts"]]) == list(params[PATHS["rfm"]]) == ["as_of"]
    schemas = doc["components"]["schemas"]
    project = load_project(REPO)
    for name, contract in CONTRACTS.items():
        assert schemas[name.title()] == contract.bind(project).json_schema()
    segment = schemas["Rfm"]["properties"]["rfm"]["items"]["properties"]["segmento"]
    assert segment["enum"] == ["VIP", "Leal", "En riesgo", "Perdido"]
    assert schemas["Funnel"]["properties"]["funnel"]["minItems"] == 5


@pytest.mark.parametrize("name", ["funnel", "alerts", "rfm"])
def test_runner_dashboard_prints_the_endpoints_body(store_db, sqlite_client, name, capsysbinary):
    from runner.cli.main import main

    args = ["dashboard", "--project-dir", str(REPO), "--database", store_db]
    assert main([*args, "--endpoint", name, "--as-of", AS_OF]) == 0
    printed = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert printed == get(sqlite_client, name, as_of=AS_OF).json


@pytest.mark.parametrize(
    ("endpoint", "option"),
    [("rfm", ["--start", "2024-05-01"]), ("alerts", ["--days", "3"]),
     ("funnel", ["--mode", "unique"]), ("dashboard-stats", ["--source", "google"])],
)  # fmt: skip
def test_runner_dashboard_refuses_an_option_the_endpoint_does_not_take(endpoint, option, capsys):
    from runner.cli.main import main

    args = ["dashboard", "--project-dir", str(REPO), "--database", "sqlite:///:memory:"]
    assert main([*args, "--endpoint", endpoint, *option]) == 2
    assert f"{option[0]}: {endpoint} does not take it" in capsys.readouterr().err
