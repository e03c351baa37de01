"""runner show (issue 14, item 6): a model's or an inline query's first rows, on both
engines, writing nothing."""

from __future__ import annotations

import pytest

from runner.cli import main
from runner.errors import DatabaseError, GraphError
from runner.tasks.build import run, seed
from runner.tasks.show import format_table, show
from runner.workspace import Workspace


@pytest.fixture
def seeded(shop, db_url):
    ws = Workspace.open(shop(), db_url)
    seed(ws)
    return ws


def test_show_a_model_computes_it_without_building_it(seeded):
    shown = show(seeded, "final", limit=10)
    assert shown.columns == ("id", "q2") and sorted(shown.rows) == [(1, 6), (3, 10)]
    with seeded.adapter.connection() as conn:
        assert seeded.adapter.relation_kind(conn, "final") is None


def test_limit_caps_the_rows(seeded):
    assert (
        len(show(seeded, inline="select * from {{ source('shop', 'items') }}", limit=2).rows) == 2
    )


def test_inline_sql_may_use_ref_and_vars(seeded):
    sql = "select count(*) as n from {{ ref('base') }} where qty > {{ var('minimum') }}"
    assert show(seeded, inline=sql, vars={"minimum": 3}).rows == ((1,),)


def test_an_unknown_model_is_a_graph_error(seeded):
    with pytest.raises(GraphError):
        show(seeded, "nope")


def test_an_inline_error_is_located_in_the_inline_text(seeded):
    with pytest.raises(DatabaseError) as err:
        show(seeded, inline="select 1 as a,\nnope from {{ ref('base') }}")
    assert err.value.path == "<inline>" and err.value.line == 2


def test_the_table_names_nulls():
    from runner.tasks.show import Shown

    assert format_table(Shown(("a", "bb"), ((1, None),))) == [
        "| a | bb   |",
        "| - | ---- |",
        "| 1 | NULL |",
    ]


def test_the_cli_prints_the_table(shop, db_url, capsys):
    args = ["--project-dir", str(shop()), "--database", db_url]
    assert main(["seed", *args]) == 0
    capsys.readouterr()
    assert main(["show", "base", *args, "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["|", "id", "|", "name", "|", "qty", "|"] and len(out) == 3


LOG = """
    {{ config(materialized='incremental', unique_key='id') }}
    select id, name, qty from {{ source('shop', 'items') }}
    {% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
"""
LOG_COUNT = "select count(*) as n, sum(qty) as total from {{ ref('log') }}"


def add_item(ws, id_: int) -> None:
    with ws.adapter.connection() as conn:
        ws.adapter.execute(conn, f"insert into items (id, name, qty) values ({id_}, 'z', 1)")


@pytest.fixture
def logged(shop, db_url):
    """The shop with an incremental model `log` over the items, and `log_count` over it."""
    ws = Workspace.open(shop(models__log_sql=LOG, models__log_count_sql=LOG_COUNT), db_url)
    seed(ws)
    return ws


def test_show_an_ephemeral_model_runs_it_as_a_query(seeded):
    """Issue 24, 1: `runner show` of an ephemeral model was a KeyError traceback."""
    shown = show(seeded, "doubled", limit=10)
    assert shown.columns == ("id", "q2") and sorted(shown.rows) == [(1, 6), (3, 10)]


def test_show_an_incremental_model_reads_what_is_persisted(logged):
    run(logged, ["log"], None)
    shown = show(logged, "log", limit=10)
    assert shown.columns == ("id", "name", "qty") and len(shown.rows) == 3
    assert shown.notes == ()


def test_show_says_an_incremental_model_is_behind_its_sources(logged):
    """Issue 24, 1 and 7: show never writes, so it reads an incremental model (or a
    model over one) as it is, and says how far behind it is."""
    run(logged, ["log"], None)
    add_item(logged, 7)
    assert len(show(logged, "log", limit=10).rows) == 3
    shown = show(logged, "log_count")
    assert shown.rows == ((3, 8),)
    assert len(shown.notes) == 1 and "log is behind its sources (1 row waiting" in shown.notes[0]
    run(logged, ["log"], None)
    assert show(logged, "log_count").notes == () and show(logged, "log_count").rows == ((4, 9),)


def test_show_computes_an_incremental_model_never_built_and_says_so(logged):
    """On a fresh database: what its first run would build, written nowhere."""
    assert len(show(logged, "log", limit=10).rows) == 3
    shown = show(logged, "log_count")
    assert shown.rows == ((3, 8),)
    assert shown.notes == (
        "log (incremental) is not built: computed from its sources for this show only, "
        "with what reads it; runner run -s log+ builds them",
    )
    with logged.adapter.connection() as conn:
        assert logged.adapter.relation_kind(conn, "log") is None


def test_the_cli_shows_every_kind_of_model_and_warns_on_stderr(logged, capsys):
    args = ["--project-dir", str(logged.project.root), "--database", logged.adapter.url]
    run(logged, None, None)
    add_item(logged, 7)
    for model in ("base", "doubled", "final", "log", "log_count"):
        assert main(["show", model, *args]) == 0, model
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err and captured.out.startswith("| ")
        assert ("warning: log is behind" in captured.err) == model.startswith("log")


def test_an_unknown_model_suggests_the_closest(seeded):
    """Issue 24, 11."""
    with pytest.raises(GraphError) as info:
        show(seeded, "fnal")
    assert info.value.hint == "did you mean 'final'?"


def test_a_sum_prints_as_the_whole_number_it_is(seeded, capsys):
    """Issue 24, 11: PostgreSQL's show printed counts and sums as 8.0."""
    root, url = seeded.project.root, seeded.adapter.url
    sql = "select sum(qty) as total, count(*) as n from {{ source('shop', 'items') }}"
    assert main(["show", "--inline", sql, "--project-dir", str(root), "--database", url]) == 0
    assert capsys.readouterr().out.splitlines()[2].split() == ["|", "8", "|", "3", "|"]


def test_checking_how_far_behind_locates_its_errors(logged):
    """Asking an incremental model how far behind it is runs its incremental SQL: an
    error there is at the model's line too, not an unlocated database error."""
    run(logged, ["log"], None)
    with logged.adapter.connection() as conn:
        logged.adapter.execute(conn, "drop table items")
    with pytest.raises(DatabaseError) as info:
        show(logged, "log_count")
    assert (info.value.path, info.value.line) == ("models/log.sql", 2)
    assert "source('shop', 'items')" in info.value.hint
