"""Model unit tests (issue 6, item 2): no parent is built, a failure prints a row diff."""

from __future__ import annotations

import pytest

from runner.cli import main
from runner.execute.unit_tests import compare, run_unit_tests
from runner.workspace import Workspace
from tests.helpers import REPO

FAILING = """
unit_tests:
  - name: base_keeps_positive_quantities
    model: base
    given:
      - input: source('shop', 'items')
        rows: [{id: 1, name: a, qty: 3}, {id: 2, name: b, qty: 0}]
    expect:
      rows: [{id: 1, qty: 3}, {id: 2, qty: 0}]
"""


def test_the_dashboard_unit_tests_pass_without_building_anything(db_url):
    results = run_unit_tests(Workspace.open(REPO, db_url), None)
    assert len(results) >= 17  # every dashboard model has one
    assert [(r.name, r.status, r.message) for r in results if r.status != "PASS"] == []
    assert {r.model for r in results} == set(Workspace.open(REPO).project.models)
    ws = Workspace.open(REPO, db_url)
    with ws.adapter.connection() as conn:  # nothing was left behind
        assert ws.adapter.relation_kind(conn, "int_window_events") is None
        assert ws.adapter.relation_kind(conn, "events", source=True) is None


def test_a_failing_unit_test_prints_a_row_diff(shop, db_url, capsys):
    root = shop()
    (root / "models/base_unit.yml").write_text(FAILING)
    assert main(["unit", "--project-dir", str(root), "--database", db_url]) == 1
    out = capsys.readouterr().out
    assert "FAIL base_keeps_positive_quantities (base)" in out
    assert "- expected {'id': 2, 'qty': 0}" in out


def test_unit_tests_default_to_in_memory_sqlite(capsys):
    assert main(["unit", "--project-dir", str(REPO), "--select", "abandonment"]) == 0
    assert "Done (sqlite): 1 PASS" in capsys.readouterr().out


def test_compare_is_order_insensitive_unless_ordered():
    rows = [{"a": 1}, {"a": 2}]
    assert compare(rows, list(reversed(rows)), ordered=False) == []
    assert compare(rows, list(reversed(rows)), ordered=True) != []


UNREAD_INPUT = """
unit_tests:
  - name: gives_an_input_base_never_reads
    model: base
    given:
      - input: ref('final')
        rows: [{id: 1, q2: 2}]
    expect:
      rows: []
"""


def test_a_given_input_the_model_does_not_read_is_an_error(shop, db_url):
    root = shop()
    (root / "models/base_unit.yml").write_text(UNREAD_INPUT)
    [result] = run_unit_tests(Workspace.open(root, db_url), ["base"])
    assert result.status == "ERROR"
    assert "given input 'final' is not read by base" in result.message
    assert "its inputs: items" in result.message


def test_unit_tests_run_on_both_engines_in_one_command(pg_database, capsys):
    from tests.helpers import pg_schema_url

    also = pg_schema_url(pg_database)
    args = ["unit", "--project-dir", str(REPO), "--select", "abandonment", "--also", also]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Done (sqlite): 1 PASS" in out and "Done (postgres): 1 PASS" in out


def test_a_unit_test_failing_on_one_engine_fails_the_command(shop, pg_database, capsys):
    """SQL that SQLite accepts and PostgreSQL refuses: text divided by a number."""
    from tests.helpers import pg_schema_url

    root = shop(
        models__base_sql="select id, max(name / 2) as half from {{ source('shop', 'items') }} group by id"
    )
    (root / "models/base_unit.yml").write_text(
        "unit_tests:\n  - name: halves\n    model: base\n    given:\n"
        "      - input: source('shop', 'items')\n        rows: [{id: 1, name: '4', qty: 1}]\n"
        "    expect:\n      rows: [{id: 1}]\n"
    )
    args = ["unit", "--project-dir", str(root), "--select", "base"]
    assert main([*args, "--also", pg_schema_url(pg_database)]) == 1
    out = capsys.readouterr().out
    assert "Done (sqlite): 1 PASS" in out and "Done (postgres): 0 PASS, 1 FAIL/ERROR" in out


def test_a_parents_columns_the_rows_leave_out_are_typed_nulls(make_project, db_url, capsys):
    """As dbt fills them: here ``at`` is a timestamp (inferred through the DAG from the
    source's declared type), so comparing it with a timestamp works on PostgreSQL too."""
    root = make_project({
        "project.yml": "name: p\nsources:\n  shop:\n    tables:\n      items:\n"
        "        columns: {id: integer, qty: integer, at: timestamptz}\n",
        "models/base.sql": "select id, qty, date_trunc('hour', at) as at_hour, at\n"
        "from {{ source('shop', 'items') }}\n",
        "models/recent.sql": "select id from {{ ref('base') }}\n"
        "where at is null or at > CAST('2024-01-01 00:00:00' AS TIMESTAMP)\n"
        "   or at_hour > CAST('2024-01-01 00:00:00' AS TIMESTAMP)\n",
        "models/unit.yml": "unit_tests:\n  - name: recent_keeps_undated\n    model: recent\n"
        "    given:\n      - input: ref('base')\n        rows: [{id: 1, qty: 2}]\n"
        "    expect:\n      rows: [{id: 1}]\n",
    })  # fmt: skip
    if db_url.startswith("sqlite"):  # SQLite has no date_trunc: what PostgreSQL needs is typing
        (root / "models/base.sql").write_text(
            "select id, qty, at as at_hour, at from {{ source('shop', 'items') }}\n"
        )
    assert main(["unit", "--project-dir", str(root), "--database", db_url]) == 0, (
        capsys.readouterr()
    )


def test_an_unreachable_also_database_exits_3_before_any_test(shop, capsys):
    """Issue 24, 10: one ERROR line per test and exit 1, where the README promises 3."""
    args = ["unit", "--project-dir", str(shop()), "--also", "postgresql://nobody@127.0.0.1:1/x"]
    assert main(args) == 3
    captured = capsys.readouterr()
    assert captured.out == ""  # not even the SQLite run: the command checks first
    assert len(captured.err.strip().splitlines()) <= 3 and "Traceback" not in captured.err


def test_an_unsupported_also_url_is_refused_before_the_sqlite_run(shop, capsys):
    assert main(["unit", "--project-dir", str(shop()), "--also", "mysql://x/y"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "unsupported database URL" in captured.err


def test_unit_help_says_where_it_runs(capsys):
    with pytest.raises(SystemExit):
        main(["unit", "--help"])
    text = "".join(capsys.readouterr().out.split())  # argparse wraps where it likes
    database = text.split("--databaseDATABASE", 2)[2]
    assert database.startswith("databaseURLtoruntheunittestson(default:in-memorySQLite")
    assert "(default:$DATABASE_URL" not in text
