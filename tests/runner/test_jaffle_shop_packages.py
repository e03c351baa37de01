"""dbt-labs' newer jaffle-shop (tests/fixtures/jaffle_shop_packages): dbt_utils, dbt_date
and audit_helper as `dbt deps` installs them, files unchanged, compared with dbt-core.

PostgreSQL only: the project loads its seeds into a `raw` schema (its own
generate_schema_name) and its cents_to_dollars macro writes `::numeric(16, 2)`;
on SQLite the custom schema is a clear error (tested below).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runner.errors import ConfigError
from runner.execute.unit_tests import run_unit_tests
from runner.tasks.build import build
from runner.workspace import Workspace
from tests.fixtures.relation_figures import figures
from tests.helpers import pg_schema_url

FIXTURE = Path(__file__).parents[1] / "fixtures" / "jaffle_shop_packages"
RECORDED = json.loads((FIXTURE.parent / "jaffle_shop_packages_dbt.json").read_text("utf-8"))
VARS = {"load_source_data": True}  # upstream's README: seeds are enabled by this var


@pytest.fixture(scope="module")
def built(pg_database, tmp_path_factory) -> tuple[Workspace, list, str]:
    """One build for the module: a copy of the fixture into a schema of its own."""
    root = Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("jsp") / "jaffle_shop"))
    url = pg_schema_url(pg_database)
    ws = Workspace.open(root, url)
    return ws, build(ws, None, VARS), url.rsplit("%3D", 1)[1]


def test_build_passes_every_model_and_data_test(built):
    _, results, _ = built
    models = [r for r in results if hasattr(r, "materialized")]
    tests = [r for r in results if not hasattr(r, "materialized")]
    assert [r.name for r in models + tests if r.status not in ("OK", "PASS")] == []
    assert (len(models), len(tests)) == (13, 27)  # dbt: 13 models, 27 data tests


def test_package_tests_ran_from_their_test_blocks(built):
    _, results, _ = built
    names = sorted(r.name for r in results if r.name.startswith("dbt_utils_expression"))
    assert names == [
        "dbt_utils_expression_is_true_customers",
        "dbt_utils_expression_is_true_orders",
        "dbt_utils_expression_is_true_orders_2",
        "dbt_utils_expression_is_true_stg_orders",
    ]


def test_every_relation_equals_what_dbt_built(built):
    """Columns, row count and checksum of the sorted rows of every seed and model equal
    dbt-core 1.10's (tests/fixtures/record_dbt.py); the time spine as days from today."""
    ws, _, schema = built
    ours = {}
    with ws.adapter.connection() as conn:
        for relation, query in RECORDED["queries"].items():
            query = query.replace("public.", f"{schema}.")  # models: the test's schema
            ours[relation] = figures(*ws.adapter.query(conn, query))
    assert ours == RECORDED["relations"]


def test_its_unit_tests_pass(built):
    ws, _, _ = built
    results = run_unit_tests(ws, None)
    assert {r.name: r.status for r in results} == dict.fromkeys(
        [
            "test_does_location_opened_at_trunc_to_date",
            "test_supply_costs_sum_correctly",
            "test_order_items_compute_to_bools_correctly",
        ],
        "PASS",
    )


def test_on_sqlite_the_custom_schema_is_a_clear_error(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "jaffle_shop"))
    with pytest.raises(ConfigError, match=r"custom schemas \(raw\) need an engine with schemas"):
        Workspace.open(root, f"sqlite:///{tmp_path / 'j.db'}")
