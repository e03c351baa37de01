"""runner show (issue 14, item 6): a model's or an inline query's first rows, on both
engines, writing nothing."""

from __future__ import annotations

import pytest

from runner.cli import main
from runner.errors import DatabaseError, GraphError
from runner.tasks.build import seed
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
