"""Where a database error comes from (runner/compile/origin.py): the file and line of
the model whose SQL holds it, even inlined into another model as a CTE, found through
the SQL's tokens and never through comments (issue 24, items 2 and 3), on both engines."""

from __future__ import annotations

import pytest

from runner.errors import DatabaseError
from runner.execute.unit_tests import run_unit_tests
from runner.tasks.build import run, seed
from runner.tasks.show import show
from runner.workspace import Workspace

#: the ephemeral parent of `final`, with a function no engine has on its line 3
BROKEN_EPHEMERAL = """
    {{ config(materialized='ephemeral') }}
    select id,
      no_such_function(qty) as q2
    from {{ ref('base') }}
"""
UNIT = """
    unit_tests:
      - name: final_doubles
        model: final
        given:
          - input: ref('base')
            rows: [{id: 1, qty: 2}]
        expect:
          rows: [{id: 1, q2: 4}]
"""


def built(root, db_url, selectors=None) -> Workspace:
    ws = Workspace.open(root, db_url)
    seed(ws)
    run(ws, selectors, None)
    return ws


def assert_in_the_ephemeral(error: DatabaseError) -> None:
    assert (error.path, error.line) == ("models/doubled.sql", 3), error.format()
    assert "no_such_function(qty)" in error.snippet
    assert "inlined into final" in error.message


def test_an_error_in_an_inlined_ephemeral_parent_is_at_its_own_line(shop, db_url):
    """Issue 24, 2: it was the mart's path with no line, on both engines."""
    ws = built(shop(models__doubled_sql=BROKEN_EPHEMERAL), db_url, ["base"])
    [result] = run(ws, ["final"], None)
    assert_in_the_ephemeral(result.error)


def test_show_locates_it_too(shop, db_url):
    ws = built(shop(models__doubled_sql=BROKEN_EPHEMERAL), db_url, ["base"])
    with pytest.raises(DatabaseError) as info:
        show(ws, "final")
    assert_in_the_ephemeral(info.value)


def test_a_unit_test_locates_a_database_error(shop, db_url):
    """Issue 24, 10: a unit test's database error carried no path:line."""
    root = shop(models__doubled_sql=BROKEN_EPHEMERAL, **{"models/unit.yml": UNIT})
    [result] = run_unit_tests(Workspace.open(root, db_url), None)
    assert result.status == "ERROR"
    assert result.message.startswith("models/doubled.sql:3: "), result.message


COMMENTED = """
    {#- reads base, which must be built first: base, base -#}
    -- base again, in an SQL comment
    select id, 'base' as label,
      qty * 2 as q2
    from {{ ref('base') }}
"""


def test_a_missing_relation_is_found_in_the_sql_not_in_comments(shop, db_url):
    """Issue 24, 3: the name was searched in the template's text, Jinja comments and
    all, and found on line 1."""
    ws = Workspace.open(shop(models__final_sql=COMMENTED), db_url)
    seed(ws)
    [result] = run(ws, ["final"], None)
    assert (result.error.path, result.error.line) == ("models/final.sql", 5)
    assert "from" in result.error.snippet


TABLE_OVER_CTE = """
    {{ config(materialized='table') }}
    with c as (select id from {{ ref('base') }})
    select id from c
"""


@pytest.mark.parametrize("model", ["final", "over"])
def test_a_parent_never_built_gets_a_hint_naming_what_builds_it(shop, db_url, model):
    """Issue 24, 5: PostgreSQL said only `relation "base" does not exist`, and SQLite's
    `no such table` inside a CTE had no hint either."""
    ws = Workspace.open(shop(models__over_sql=TABLE_OVER_CTE), db_url)
    seed(ws)
    [result] = run(ws, [model], None)
    assert result.error.missing == "base"
    assert result.error.hint == (
        f"base is a model that is not built in this database: runner run -s base builds "
        f"it, runner build -s +{model} builds {model} with every model it reads"
    )


def test_a_missing_source_table_is_named_as_a_source(shop, db_url):
    ws = Workspace.open(shop(), db_url)  # not seeded: no items table
    [result] = run(ws, ["base"], None)
    assert "source('shop', 'items')" in result.error.hint
