"""Persisted models are readable by any client of their engine (issue 14, item 6): the
sqlite3 shell reads the marts' views, whose money sums use SQLite's decimal extension
(built into the shell; the runner registers the same functions in its connections)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from runner.tasks.build import run, seed
from runner.workspace import Workspace
from tests.helpers import copy_project


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_the_sqlite3_shell_reads_the_persisted_marts(tmp_path):
    root = copy_project(tmp_path / "project")
    ws = Workspace.open(root, f"sqlite:///{tmp_path}/store.db")
    seed(ws)
    assert {r.status for r in run(ws, None, {"as_of": "2024-05-22T12:00:00Z"})} == {"OK"}
    out = subprocess.run(
        ["sqlite3", str(tmp_path / "store.analytics.db"),
         "select total_sales, total_revenue from sales_summary"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    sales, revenue = out.stdout.strip().split("|")
    assert int(sales) > 0 and float(revenue) > 0
