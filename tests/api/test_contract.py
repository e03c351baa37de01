"""The response contract (api/contract.py): the golden bodies have its shape, its checks
catch a wrong shape, its marts produce the declared columns, and the OpenAPI document
carries its schema."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlglot

from api.admin_contracts import ALERTS, FUNNEL, RFM
from api.contract import TEXT, Column, Contract, rows
from api.dashboard_contract import DASHBOARD
from api.openapi import openapi_document
from api.service import EndpointService
from runner.errors import ConfigError
from runner.project.loader import load_project
from runner.serving import Session
from runner.workspace import Workspace
from tests.helpers import REPO

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
BOUND = DASHBOARD.bind(load_project(REPO))


def golden(mode: str) -> dict:
    return golden_file(f"dashboard_{mode}")


def golden_file(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("mode", ["total", "unique"])
def test_the_golden_bodies_have_the_declared_shape(mode):
    assert BOUND.check(golden(mode), mode, days=7) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b.pop("total_sales"), "keys"),
        (lambda b: b.update(total_sales="67"), "total_sales"),
        (lambda b: b["events_timeline"].pop(), "events_timeline"),
        (lambda b: b["event_counts"].pop("purchase"), "event_counts"),
        (lambda b: b["product_performance"][0].pop("purchases_units"), "product_performance"),
        (lambda b: b["top_products"].extend(b["top_products"]), "top_products"),
        (lambda b: b.update(mode="total"), "mode"),
    ],
)
def test_the_check_finds_a_wrong_shape(change, problem):
    body = copy.deepcopy(golden("unique"))
    change(body)
    problems = BOUND.check(body, "unique", days=7)
    assert problems and problem in " ".join(problems)


def test_every_declared_column_is_produced_by_its_mart():
    compiled = Workspace.open(REPO, "sqlite:///:memory:").compile()
    for f in BOUND.fields:
        if f.mart is None:
            continue
        produced = sqlglot.parse_one(compiled.models[f.mart].sql, read="sqlite").named_selects
        for column in f.columns:
            assert column.source in produced, (f.key, f.mart, column.source)


def test_lists_come_from_the_projects_declaration():
    funnel = load_project(REPO).vars["event_types"]["funnel"]
    counts = next(f for f in BOUND.fields if f.key == "event_counts")
    assert [c.key for c in counts.columns] == funnel


def test_the_openapi_document_carries_the_contracts_schema(tmp_path):
    service = EndpointService(Session.open(REPO, f"sqlite:///{tmp_path}/x.db"))
    schema = openapi_document([service])["components"]["schemas"]["DashboardStats"]
    assert schema == BOUND.json_schema()
    timeline = schema["properties"]["events_timeline"]
    assert (timeline["minItems"], timeline["maxItems"]) == (2, 367)
    period = schema["properties"]["retention_metrics"]["properties"]["period_days"]
    assert period["const"] == 90
    assert "purchases_units" not in schema["properties"]["product_performance"]["items"]["required"]


@pytest.mark.parametrize("days", [1, 30])
def test_a_computed_body_has_the_shape_for_its_window(seeded_service, days):
    body = seeded_service.answer({"mode": "unique", "as_of": "2024-05-22T12:00:00Z"}, days=days)
    assert BOUND.check(body, "unique", days=days) == []


ADMIN = {name: contract.bind(load_project(REPO)) for name, contract in
         (("funnel", FUNNEL), ("alerts", ALERTS), ("rfm", RFM))}  # fmt: skip


@pytest.mark.parametrize("name", list(ADMIN))
def test_the_admin_golden_bodies_have_their_declared_shape(name):
    assert ADMIN[name].check(golden_file(name)) == []


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("funnel", lambda b: b["funnel"].reverse(), "steps"),
        ("funnel", lambda b: b["funnel"].pop(), "steps"),
        ("funnel", lambda b: b.update(start_date="2024-04-22T12:00:00+00:00"), "start_date"),
        ("funnel", lambda b: b.update(end_date="2024-05-22T12:00:00.000000Z"), "end_date"),
        ("alerts", lambda b: b["alerts"].clear(), "fewer than 1"),
        ("alerts", lambda b: b["alerts"][0].update(severity="urgent"), "severity"),
        ("alerts", lambda b: b["alerts"][0].pop("timestamp"), "keys"),
        ("alerts", lambda b: b["alerts"][0].update(type="popular"), "type"),
        ("rfm", lambda b: b["rfm"][0].update(segmento="Inactivo"), "segmento"),
        ("rfm", lambda b: b["rfm"][0].update(monetary="90000.0"), "monetary"),
    ],
)
def test_the_admin_checks_find_a_wrong_shape(name, change, problem):
    body = copy.deepcopy(golden_file(name))
    change(body)
    problems = ADMIN[name].check(body)
    assert problems and problem in " ".join(problems)


def test_an_optional_key_is_left_out_where_the_mart_gives_null():
    rows = {"alerts": [
        {"type": "payment_errors", "message": "m", "severity": "critical",
         "alerted_at": "2024-05-22 12:00:00.000000", "product_slug": None},
        {"type": "popular_no_conversion", "message": "m", "severity": "warning",
         "alerted_at": datetime(2024, 5, 22, 12, tzinfo=timezone.utc), "product_slug": "tee"},
    ]}  # fmt: skip
    body = ADMIN["alerts"].stitch(rows, {})
    assert list(body["alerts"][0]) == ["type", "message", "severity", "timestamp"]
    assert body["alerts"][1]["product_slug"] == "tee"
    assert {a["timestamp"] for a in body["alerts"]} == {"2024-05-22T12:00:00.000000+00:00"}
    assert ADMIN["alerts"].check(body) == []


def test_declared_lists_come_from_the_project():
    project = load_project(REPO)
    names = [s["name"] for s in project.vars["rfm_segments"]]
    schema = ADMIN["rfm"].json_schema()["properties"]["rfm"]["items"]["properties"]["segmento"]
    assert schema["enum"] == names
    steps = ADMIN["funnel"].json_schema()["properties"]["funnel"]
    assert (
        steps["minItems"] == steps["maxItems"] == len(project.vars["event_types"]["funnel_steps"])
    )
    renamed = Contract("x", (rows("r", "m", Column("s", TEXT), one_per="event_types.nope"),))
    with pytest.raises(ConfigError, match="event_types.nope"):
        renamed.bind(project)
