"""Running models on both engines: materializations, order, failures, temp runs."""

from __future__ import annotations

import threading

import pytest

from runner.errors import DatabaseError
from runner.execute.reading import query_models
from runner.tasks.build import run, seed
from runner.workspace import Workspace


def workspace(root, url) -> Workspace:
    ws = Workspace.open(root, url)
    seed(ws)
    return ws


def rows(ws, sql):
    with ws.adapter.connection() as conn:
        return ws.adapter.query(conn, sql)[1]


def test_run_builds_tables_and_views_in_order(shop, db_url):
    ws = workspace(shop(), db_url)
    results = run(ws, None, None)
    assert [(r.name, r.materialized, r.status) for r in results] == [
        ("base", "table", "OK"),
        ("final", "view", "OK"),
    ]
    assert results[0].rows == 2
    assert sorted(rows(ws, "select id, q2 from final")) == [(1, 6), (3, 10)]
    with ws.adapter.connection() as conn:
        assert ws.adapter.relation_kind(conn, "base") == "table"
        assert ws.adapter.relation_kind(conn, "final") == "view"
        assert ws.adapter.relation_kind(conn, "doubled") is None  # ephemeral: never built


def test_run_is_idempotent(shop, db_url):
    ws = workspace(shop(), db_url)
    run(ws, None, None)
    assert [r.status for r in run(ws, None, None)] == ["OK", "OK"]


def test_a_model_can_change_materialization(shop, db_url):
    root = shop()
    run(workspace(root, db_url), None, None)
    final = root / "models/final.sql"
    final.write_text("{{ config(materialized='table') }}\n" + final.read_text())
    ws = Workspace.open(root, db_url)
    assert all(r.status == "OK" for r in run(ws, None, None))
    with ws.adapter.connection() as conn:
        assert ws.adapter.relation_kind(conn, "final") == "table"


def with_schema(root, schema: str = "marts"):
    config = root / "project.yml"
    config.write_text(config.read_text() + f"schema: {schema}\n")
    return root


def test_sqlite_models_live_in_the_schemas_own_file(shop, tmp_path):
    """Sources stay in the URL's file; models go to the attached <name>.<schema>.db."""
    import sqlite3

    ws = workspace(with_schema(shop()), f"sqlite:///{tmp_path}/store.db")
    run(ws, None, None)
    main = (
        sqlite3.connect(tmp_path / "store.db").execute("select name from sqlite_master").fetchall()
    )
    models = sqlite3.connect(tmp_path / "store.marts.db").execute(
        "select name from sqlite_master where type in ('table', 'view')"
    )
    assert ("items",) in main and ("base",) not in main
    # besides the models, only the runner's record of loaded seeds (runner/execute/seed_state.py)
    assert sorted(models.fetchall()) == [("base",), ("final",), ("runner_seed_state",)]


def test_without_a_schema_sqlite_models_live_beside_the_sources(shop, tmp_path):
    import sqlite3

    run(workspace(shop(), f"sqlite:///{tmp_path}/store.db"), None, None)
    names = sqlite3.connect(tmp_path / "store.db").execute("select name from sqlite_master")
    assert {("items",), ("base",), ("final",)} <= set(names.fetchall())


def test_sqlite_view_over_a_source_gets_a_hint(shop, tmp_path):
    root = with_schema(
        shop(models__base_sql="select id, name, qty from {{ source('shop', 'items') }}")
    )
    results = run(workspace(root, f"sqlite:///{tmp_path}/store.db"), ["base"], None)
    assert results[0].status == "ERROR"
    assert "make this model a table or ephemeral" in results[0].error.format()


def test_select_runs_only_the_selection(shop, db_url):
    ws = workspace(shop(), db_url)
    assert [r.name for r in run(ws, ["base"], None)] == ["base"]


def test_failure_skips_descendants_and_points_at_the_line(shop, db_url):
    root = shop(
        models__base_sql="{{ config(materialized='table') }}\n"
        "select id,\n  no_such_column as qty\nfrom {{ source('shop', 'items') }}\n"
    )
    results = run(workspace(root, db_url), None, None)
    assert [r.status for r in results] == ["ERROR", "SKIPPED"]
    error = results[0].error
    assert isinstance(error, DatabaseError)
    assert (error.path, error.line) == ("models/base.sql", 3)
    assert "no_such_column" in error.format()


def test_temp_runs_leave_nothing_behind(shop, db_url):
    ws = workspace(shop(), db_url)
    results = run(ws, None, {"minimum": 4}, temp=True)
    assert [(r.materialized, r.status, r.rows) for r in results] == [
        ("temp", "OK", 1),
        ("temp", "OK", 1),
    ]
    with ws.adapter.connection() as conn:
        assert ws.adapter.relation_kind(conn, "base") is None


def test_a_run_with_vars_persists_like_dbt(shop, db_url):
    """One rule for run and build: --vars changes what is computed, not where it goes."""
    ws = workspace(shop(), db_url)
    seed(ws)
    assert {r.status for r in run(ws, None, {"minimum": 4})} == {"OK"}
    with ws.adapter.connection() as conn:
        assert ws.adapter.query(conn, "select id from base")[1] == [(3,)]


def test_concurrent_temp_queries_never_see_each_other(shop, db_url):
    """Two threads, two param values, one model: each sees only its own rows."""
    root = shop(
        models__pick_sql="""
        {{ config(materialized='table') }}
        select id, {{ var('as_of') }} as asked from {{ source('shop', 'items') }}
    """,
        models__out_sql="select asked, count(*) as n from {{ ref('pick') }} group by asked",
    )
    ws = workspace(root, db_url)
    compiled = ws.compile({}, bind=True)
    seen, errors = {}, []

    def worker(stamp: str) -> None:
        try:
            for _ in range(15):
                with ws.adapter.connection() as conn:
                    out = query_models(ws.adapter, conn, compiled, ["out"], {"as_of": stamp})["out"]
                seen.setdefault(stamp, set()).update((r["asked"], r["n"]) for r in out)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in ("2024-01-01", "2024-02-02")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    # each bound value is validated and canonicalised by its param's spec first
    canonical = {s: f"{s} 00:00:00.000000" for s in ("2024-01-01", "2024-02-02")}
    assert seen == {s: {(c, 3)} for s, c in canonical.items()}


def test_unreachable_database_is_one_clear_error(shop):
    ws = Workspace.open(shop(), "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseError) as err:
        run(ws, None, None)
    assert err.value.unavailable and "\n" not in err.value.message


def test_the_cli_warns_about_a_table_left_empty(shop, db_url, capsys):
    from runner.cli import main

    args = ["--project-dir", str(shop()), "--database", db_url]
    assert main(["seed", *args]) == 0
    assert main(["run", *args, "--vars", '{"minimum": 99}']) == 0
    assert "warning: base (table) holds no rows" in capsys.readouterr().err


TYPO = """with x as (select * from {{ ref('doubled') }})
select
    x.id,
    x.q3 as typo
from x
"""


def test_a_database_error_points_at_the_template_line_through_inlined_ctes(shop, db_url):
    """PostgreSQL gives a character position in what ran, ephemeral parents' CTEs in
    front; SQLite names the column. Both land on line 4 of the model's file."""
    ws = workspace(shop(models__final_sql=TYPO), db_url)
    seed(ws)
    results = run(ws, None, None)
    error = next(r.error for r in results if r.name == "final")
    assert (error.path, error.line) == ("models/final.sql", 4)
    assert "x.q3 as typo" in error.snippet


def test_postgres_keeps_its_hint(shop, pg_database):
    from tests.helpers import pg_schema_url

    ws = workspace(shop(models__final_sql=TYPO), pg_schema_url(pg_database))
    seed(ws)
    error = next(r.error for r in run(ws, None, None) if r.name == "final")
    assert "Perhaps you meant" in (error.hint or "")
