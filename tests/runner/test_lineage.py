"""runner lineage: a column's upstream columns down to the sources."""

from __future__ import annotations

import pytest

from runner.cli import main
from runner.errors import GraphError
from runner.lineage import column_lineage
from runner.workspace import Workspace
from tests.helpers import REPO


@pytest.mark.parametrize("engine_url", ["sqlite:///:memory:", "postgresql://x@127.0.0.1:1/none"])
def test_revenue_comes_from_price_and_metadata(engine_url):
    # compiling needs no connection, so the PostgreSQL dialect is traced without a server
    lines = column_lineage(
        Workspace.open(REPO, engine_url).compile(bind=False), "sales_summary.total_revenue"
    )
    assert lines[0] == "sales_summary.total_revenue"
    assert "arrived.unit_price" in [line.strip() for line in lines]  # int_events, from staging
    leaves = {line.strip() for line in lines if line.endswith("(source)")}
    # revenue = price x quantity of purchase events
    assert leaves == {"events.price  (source)", "events.metadata  (source)",
                      "events.event_type  (source)"}  # fmt: skip


def test_cli_and_unknown_column(capsys):
    assert main(["lineage", "--project-dir", str(REPO), "product_performance.name"]) == 0
    assert "events.product_name  (source)" in capsys.readouterr().out
    with pytest.raises(GraphError):
        column_lineage(Workspace.open(REPO, "sqlite:///:memory:").compile(bind=False), "nope.x")
