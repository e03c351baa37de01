"""Errors land on the right status (issue 10, item 4): a broken project or model is a
500 logged with path:line, a database fault a 503, only a bad request parameter a 400."""

from __future__ import annotations

import logging

import falcon.testing
import pytest

from api.app import create_app
from api.service import DashboardService
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, bearer, config, token
from tests.helpers import copy_project

MART = "models/marts/sales_summary.sql"
BREAKS = {
    # stage: (text replaced, by what, what the log says)
    "config": ("WITH purchases AS", "{{ config(materialized='tabel') }}\nWITH purchases AS",
               "unknown materialization 'tabel'"),
    "template": ("AS total_sales,", "AS total_sales, {{ no_such_macro() }}", "undefined"),
    "compile": ("FROM purchases", "FROM purchases WHERE (", "syntax"),
    "graph": ("ref('int_window_facts')", "ref('int_window_fact')", "ref('int_window_fact')"),
    "database": ("{{ events() }} AS total_sales", "SUM(nn) AS total_sales", "nn"),
}  # fmt: skip


def broken_client(tmp_path, db_url, stage: str) -> falcon.testing.TestClient:
    root = copy_project(tmp_path / "project")
    seed(Workspace.open(root, db_url))
    old, new, _ = BREAKS[stage]
    mart = root / MART
    assert old in mart.read_text()
    mart.write_text(mart.read_text().replace(old, new, 1))
    return falcon.testing.TestClient(
        create_app(config(), DashboardService(Workspace.open(root, db_url)))
    )


@pytest.mark.parametrize("stage", list(BREAKS))
def test_a_broken_model_is_a_500_logged_with_its_path(tmp_path, db_url, stage, caplog):
    client = broken_client(tmp_path, db_url, stage)
    with caplog.at_level(logging.ERROR, logger="api"):
        result = client.simulate_get(PATH, headers=bearer(token()), params={"as_of": AS_OF})
    assert result.status_code == 500
    assert result.json == {"title": "Internal server error",
                           "description": "the dashboard could not be computed"}  # fmt: skip
    assert f"{MART}:" in caplog.text and BREAKS[stage][2] in caplog.text
    assert f"({stage} error)" in caplog.text or stage == "database"


def test_a_bad_parameter_on_a_broken_project_is_still_a_400(tmp_path, db_url):
    """The request is checked first: its own mistake is named, whatever the project."""
    client = broken_client(tmp_path, db_url, "config")
    result = client.simulate_get(PATH, headers=bearer(token()), params={"start": "someday"})
    assert result.status_code == 400 and '"start"' in result.json["description"]
