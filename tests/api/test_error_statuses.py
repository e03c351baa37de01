"""Errors land on the right status (issue 10, item 4): a broken project or model is a
500 logged with path:line, a database fault a 503, only a bad request parameter a 400."""

from __future__ import annotations

import logging

import falcon.testing
import pytest

from api.app import create_app
from runner.errors import ConfigError
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, PATHS, bearer, config, token
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
    """A copy of the project with one mart broken at ``stage``, over the seed fixtures."""
    root = copy_project(tmp_path / "project")
    old, new, _ = BREAKS[stage]
    mart = root / MART
    assert old in mart.read_text()
    mart.write_text(mart.read_text().replace(old, new, 1))
    return falcon.testing.TestClient(create_app(config(), Session(Workspace.open(root, db_url))))


@pytest.mark.parametrize("stage", list(BREAKS))
def test_a_broken_model_is_a_500_logged_with_its_path(tmp_path, store_db, stage, caplog):
    client = broken_client(tmp_path, store_db, stage)
    with caplog.at_level(logging.ERROR, logger="api"):
        result = client.simulate_get(PATH, headers=bearer(token()), params={"as_of": AS_OF})
    assert result.status_code == 500
    assert result.json == {"title": "Internal server error",
                           "description": "the dashboard could not be computed"}  # fmt: skip
    assert f"{MART}:" in caplog.text and BREAKS[stage][2] in caplog.text
    assert f"({stage} error)" in caplog.text or stage == "database"


#: a mart each admin endpoint reads, and a column it does not have put into its SELECT
ADMIN_MARTS = {
    "funnel": ("models/marts/admin/funnel_steps.sql", "        event_type,\n", "        nn, event_type,\n"),
    "alerts": ("models/marts/admin/alerts.sql", "        product_slug,\n", "        nn, product_slug,\n"),
    "rfm": ("models/marts/admin/rfm_customers.sql", "MAX(e.ts) AS latest", "MAX(e.nn) AS latest"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ADMIN_MARTS))
def test_a_broken_admin_mart_is_a_500_logged_with_its_path(tmp_path, store_db, name, caplog):
    mart, old, new = ADMIN_MARTS[name]
    root = copy_project(tmp_path / "project")
    text = (root / mart).read_text()
    assert text.count(old) == 1
    (root / mart).write_text(text.replace(old, new))
    client = falcon.testing.TestClient(
        create_app(config(), Session(Workspace.open(root, store_db)))
    )
    with caplog.at_level(logging.ERROR, logger="api"):
        result = client.simulate_get(PATHS[name], headers=bearer(token()), params={"as_of": AS_OF})
    assert result.status_code == 500 and set(result.json) == {"title", "description"}
    assert f"{mart}:" in caplog.text and "nn" in caplog.text
    assert "nn" not in result.text


def test_a_bad_parameter_on_a_broken_project_is_still_a_400(tmp_path, store_db):
    """The request is checked first: its own mistake is named, whatever the project."""
    client = broken_client(tmp_path, store_db, "config")
    result = client.simulate_get(PATH, headers=bearer(token()), params={"start": "someday"})
    assert result.status_code == 400 and '"start"' in result.json["description"]


def test_a_broken_param_default_stops_the_server_at_its_line(tmp_path):
    """The project's own mistake is the server's: a located error when it starts, never
    a 400 naming a parameter the client did not send."""
    root = copy_project(tmp_path / "project")
    text = (root / "project.yml").read_text(encoding="utf-8")
    (root / "project.yml").write_text(text.replace("default: 7}", "default: 0}"))
    line = 1 + text[: text.index("default: 7}")].count("\n")
    with pytest.raises(ConfigError) as err:
        create_app(config(project_dir=root, database=f"sqlite:///{tmp_path}/x.db"))
    assert err.value.location() == f"project.yml:{line}" and "window_days" in err.value.message


def test_a_broken_param_default_while_serving_keeps_the_last_good_project(tmp_path, caplog):
    root = copy_project(tmp_path / "project")
    url = f"sqlite:///{tmp_path}/x.db"
    seed(Workspace.open(root, url))
    session = Session(Workspace.open(root, url), watch=True, watch_interval=0)
    client = falcon.testing.TestClient(create_app(config(), session))
    params = {"as_of": AS_OF}
    before = client.simulate_get(PATH, headers=bearer(token()), params=params)
    project = root / "project.yml"
    project.write_text(project.read_text(encoding="utf-8").replace("default: 7}", "default: 0}"))
    with caplog.at_level(logging.ERROR):
        after = client.simulate_get(PATH, headers=bearer(token()), params=params)
    assert after.status_code == 200 and after.json == before.json
    assert "project.yml:" in caplog.text and "window_days" in caplog.text


def test_runner_dashboard_names_a_broken_param_default(tmp_path, capsys):
    from runner.cli import main

    root = copy_project(tmp_path / "project")
    project = root / "project.yml"
    project.write_text(project.read_text(encoding="utf-8").replace("default: 7}", "default: 0}"))
    assert main(["dashboard", "--project-dir", str(root), "--database", "sqlite:///:memory:"]) == 2
    err = capsys.readouterr().err
    assert "project.yml:" in err and "params.window_days" in err and "invalid" in err
