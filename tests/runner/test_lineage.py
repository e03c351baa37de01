"""runner lineage: a column's upstream columns down to the sources."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from runner.checks.lineage import column_lineage
from runner.cli import main
from runner.errors import GraphError
from runner.workspace import Workspace
from tests.helpers import REPO

# compiling needs no connection, so the PostgreSQL dialect is traced without a server
ENGINES = ["sqlite:///:memory:", "postgresql://x@127.0.0.1:1/none"]


@functools.cache  # a trace takes seconds; several tests read the same one
def _lineage(engine_url: str, target: str, verbose: bool = False) -> list[str]:
    compiled = Workspace.open(REPO, engine_url).compile(bind=False)
    return column_lineage(compiled, target, verbose=verbose)


@pytest.mark.parametrize("engine_url", ENGINES)
def test_revenue_comes_from_price_and_metadata(engine_url):
    lines = _lineage(engine_url, "sales_summary.total_revenue")
    assert lines[0] == "sales_summary.total_revenue"
    stripped = [line.strip() for line in lines]
    assert "int_events.unit_price" in stripped and "stg_store__events.unit_price" in stripped
    leaves = {line for line in stripped if line.endswith("(source)")}
    # revenue = price x quantity of purchase events
    expected = {"store.events.price", "store.events.metadata", "store.events.event_type"}
    assert leaves == {f"{name}  (source)" for name in expected}


@pytest.mark.parametrize("engine_url", ENGINES)
def test_sessions_is_a_short_tree_of_model_columns(engine_url):
    lines = _lineage(engine_url, "traffic_sources.sessions")
    assert lines[0] == "traffic_sources.sessions"
    assert len(lines) < 40  # sqlglot's own tree is over 300 lines
    stripped = [line.strip() for line in lines]
    assert "store.events.created_at  (source)" in stripped
    models = {"store", *Workspace.open(REPO, engine_url).project.models}
    # only model.column and source.table.column: no CTE alias, no numbered UNION branch
    assert all(line.split(".")[0] in models for line in stripped)
    assert not any(part.isdigit() for line in stripped for part in line.split()[0].split("."))


def test_each_column_is_expanded_once():
    lines = _lineage(ENGINES[0], "traffic_sources.sessions")
    depth = [len(line) - len(line.lstrip()) for line in lines]
    expanded = [lines[i].strip() for i in range(len(lines) - 1) if depth[i + 1] > depth[i]]
    assert len(expanded) == len(set(expanded))
    assert any(line.endswith("(inputs above)") for line in lines)  # named again, not expanded


def test_verbose_keeps_the_ctes():
    lines = _lineage(ENGINES[0], "sales_summary.total_revenue", verbose=True)
    assert "arrived.unit_price" in [line.strip() for line in lines]  # int_events' CTE


def test_cli_and_unknown_column(capsys):
    assert main(["lineage", "--project-dir", str(REPO), "product_performance.name"]) == 0
    assert "store.events.product_name  (source)" in capsys.readouterr().out
    with pytest.raises(GraphError):
        column_lineage(Workspace.open(REPO, "sqlite:///:memory:").compile(bind=False), "nope.x")


def test_cli_verbose_prints_the_detailed_tree(capsys):
    target = "product_performance.name"
    assert main(["lineage", "--project-dir", str(REPO), "--verbose", target]) == 0
    verbose = capsys.readouterr().out.splitlines()
    assert len(verbose) > len(_lineage(ENGINES[0], target))
    assert "events.product_name  (source)" in [line.strip() for line in verbose]  # sqlglot's name


@pytest.mark.parametrize("engine_url", ["sqlite:///:memory:", "postgresql://x@127.0.0.1:1/none"])
def test_a_cte_named_like_another_model_is_traced_as_the_cte(engine_url, tmp_path):
    """jaffle_shop's customers has an `orders` CTE and there is a model `orders`."""
    jaffle = shutil.copytree(Path(__file__).parents[1] / "fixtures" / "jaffle_shop", tmp_path / "j")
    compiled = Workspace.open(jaffle, engine_url).compile(bind=False)
    lines = column_lineage(compiled, "customers.number_of_orders")
    assert [line.strip() for line in lines] == [
        "customers.number_of_orders",
        "stg_orders.order_id",
        "raw_orders.id  (seed)",
    ]


@pytest.mark.parametrize("engine_url", ENGINES)
@pytest.mark.parametrize(
    ("target", "hint"),
    [
        ("sales_sumary.total_sales", "did you mean 'sales_summary'?"),
        ("sales_summary.total_sale", "did you mean 'total_sales' or 'total_revenue'?"),
    ],
)
def test_a_typo_suggests_the_closest_model_or_column(engine_url, target, hint):
    """Issue 24, 11: no suggestion, and sqlglot's "Cannot find column" for a column."""
    compiled = Workspace.open(REPO, engine_url).compile(bind=False)
    with pytest.raises(GraphError) as info:
        column_lineage(compiled, target)
    assert info.value.hint == hint
