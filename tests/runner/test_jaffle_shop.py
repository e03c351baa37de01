"""dbt's classic jaffle_shop, files unchanged (tests/fixtures/jaffle_shop), on both engines."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from runner.cli.main import main
from runner.docs.site import write_docs
from runner.execute.unit_tests import run_unit_tests
from runner.tasks.build import build
from runner.workspace import Workspace
from tests.fixtures.relation_figures import figures

FIXTURE = Path(__file__).parents[1] / "fixtures" / "jaffle_shop"
MODELS = ("stg_customers", "stg_orders", "stg_payments", "customers", "orders")


@pytest.fixture
def jaffle(tmp_path) -> Path:
    """A copy, so the run's target/ never lands in the repository's fixture."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "jaffle_shop"))


@pytest.fixture
def built(jaffle, db_url) -> tuple[Workspace, list]:
    ws = Workspace.open(jaffle, db_url)
    return ws, build(ws, None)


def test_build_builds_every_model(built):
    _, results = built
    models = {r.name: r.status for r in results if hasattr(r, "materialized")}
    assert models == dict.fromkeys(MODELS, "OK")


def test_build_passes_the_twenty_data_tests(built):
    _, results = built
    tests = [r for r in results if not hasattr(r, "materialized")]
    assert [r.name for r in tests if r.status != "PASS"] == []
    assert len(tests) == 20


def test_folder_configs_choose_materializations(built):
    _, results = built
    kinds = {r.name: r.materialized for r in results if hasattr(r, "materialized")}
    assert kinds == {
        "stg_customers": "view",
        "stg_orders": "view",
        "stg_payments": "view",
        "customers": "table",
        "orders": "table",
    }


RECORDED = json.loads((FIXTURE.parent / "jaffle_shop_dbt.json").read_text(encoding="utf-8"))


def test_every_relation_equals_what_dbt_built(built):
    """Columns, row count and checksum of the sorted rows of every seed and model equal
    dbt-core 1.10's (recorded once by tests/fixtures/record_dbt.py)."""
    ws, _ = built
    ours = {}
    with ws.adapter.connection() as conn:
        for relation in RECORDED["relations"]:
            ours[relation] = figures(*ws.adapter.query(conn, f"SELECT * FROM {relation}"))
    assert ours == RECORDED["relations"]


def test_runner_build_on_the_command_line_exits_0(jaffle, db_url, capsys):
    assert main(["build", "--project-dir", str(jaffle), "--database", db_url]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert re.fullmatch(r"Done in \d+\.\d\ds: 25 OK/PASS, 0 ERROR/FAIL/SKIPPED \(\w+\)", last)


def test_docs_site_of_a_dbt_project_fills_doc_blocks(jaffle):
    compiled = Workspace.open(jaffle, "sqlite:///:memory:").compile(bind=False)
    index = write_docs(compiled)
    orders = (index / "orders.html").read_text(encoding="utf-8")
    assert "Orders can be one of the following statuses" in orders


CUSTOMERS_UNIT = """
unit_tests:
  - name: customers_counts_orders_and_sums_payments
    model: customers
    given:
      - input: ref('stg_customers')
        rows: [{customer_id: 1, first_name: a, last_name: b}]
      - input: ref('stg_orders')
        rows:
          - {order_id: 1, customer_id: 1, order_date: '2018-01-01', status: placed}
          - {order_id: 2, customer_id: 1, order_date: '2018-01-03', status: placed}
      - input: ref('stg_payments')
        rows: [{payment_id: 1, order_id: 1, payment_method: coupon, amount: 10}]
    expect:
      rows:
        - {customer_id: 1, number_of_orders: 2, customer_lifetime_value: 10,
           most_recent_order: '2018-01-03'}
"""


def test_a_unit_test_without_data_types_runs(jaffle, db_url):
    """jaffle_shop's YAML declares no data_type: the given literals type the inputs."""
    (jaffle / "models" / "unit.yml").write_text(CUSTOMERS_UNIT, encoding="utf-8")
    [result] = run_unit_tests(Workspace.open(jaffle, db_url), None)
    assert (result.status, result.diff) == ("PASS", [])
