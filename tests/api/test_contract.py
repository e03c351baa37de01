"""The response contract (api/contract.py): the golden bodies have its shape, its checks
catch a wrong shape, its marts produce the declared columns, and the OpenAPI document
carries its schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import sqlglot

from api.dashboard_contract import DASHBOARD
from api.openapi import openapi_document
from api.service import EndpointService
from runner.project.loader import load_project
from runner.serving import Session
from runner.workspace import Workspace
from tests.helpers import REPO

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
BOUND = DASHBOARD.bind(load_project(REPO))


def golden(mode: str) -> dict:
    return json.loads((GOLDEN / f"dashboard_{mode}.json").read_text(encoding="utf-8"))


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
