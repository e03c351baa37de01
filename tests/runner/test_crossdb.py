"""dbt's cross-database macros (dbt.dateadd etc.) give the same values on both engines."""

from __future__ import annotations

import hashlib

import pytest

from runner.errors import TemplateError
from runner.tasks.build import run, seed
from runner.workspace import Workspace
from tests.fixtures.relation_figures import canonical

MODEL = """
{{ config(materialized='table') }}
select
  {{ dbt.datediff('e', 'd', 'day') }} as days,
  {{ dbt.datediff('e', 'd', 'month') }} as months,
  {{ dbt.datediff('e', 'd', 'week') }} as weeks,
  {{ dbt.concat(["'a'", "'b'"]) }} as ab,
  {{ dbt.safe_cast("'7'", dbt.type_int()) }} as seven,
  {{ dbt.date_trunc('month', 'd') }} as month_start,
  {{ dbt.date_trunc('week', 'd') }} as week_start,
  {{ dbt.dateadd('day', 3, 'e') }} as later
from {{ ref('days') }}
"""


def test_cross_database_macros_agree_on_both_engines(make_project, db_url):
    root = make_project({"seeds/days.csv": "e,d\n2024-01-30,2024-03-15\n", "models/m.sql": MODEL})
    ws = Workspace.open(root, db_url)
    seed(ws)
    assert [r.status for r in run(ws, None, None)] == ["OK"]
    with ws.adapter.connection() as conn:
        [row] = ws.adapter.query(conn, "select * from m")[1]
    assert [canonical(v)[:10] for v in row] == [
        "45",
        "2",
        "6",
        "ab",
        "7",
        "2024-03-01",
        "2024-03-11",
        "2024-02-02",
    ]


def test_a_project_macro_overrides_the_runners(make_project, db_url):
    root = make_project(
        {
            "macros/m.sql": "{% macro default__type_int() %}bigint{% endmacro %}"
            "{% macro sqlite__type_int() %}bigint{% endmacro %}",
            "models/m.sql": "select cast(1 as {{ dbt.type_int() }}) as x",
        }
    )
    assert "as bigint" in Workspace.open(root, db_url).compile().models["m"].rendered


def test_a_cross_database_macro_we_do_not_ship_is_an_error(make_project, db_url):
    root = make_project({"models/m.sql": "select {{ dbt.listagg('x') }} as x"})
    with pytest.raises(TemplateError, match="dbt.listagg is not supported"):
        Workspace.open(root, db_url).compile()


TEXT_MODEL = """
select {{ dbt.replace("'abc'", "'b'", "'x'") }} as r, {{ dbt.length("'abcd'") }} as l,
  {{ dbt.cast("'5'", dbt.type_int()) }} as c, {{ dbt.string_literal("hi") }} as s,
  '{{ dbt.escape_single_quotes("it's") }}' as e, {{ dbt.position("'c'", "'abcd'") }} as p,
  {{ dbt.right("'abcd'", "2") }} as rt, {{ dbt.cast_bool_to_text("1 = 1") }} as b
{{ dbt.except() }} select 'z', 0, 0, 'z', 'z', 0, 'z', 'z'
"""


def test_text_and_set_macros_packages_use_agree_on_both_engines(make_project, db_url):
    """dbt_utils and dbt_date call these (dbt.replace, dbt.position, dbt.except, ...)."""
    root = make_project({"models/m.sql": TEXT_MODEL})
    ws = Workspace.open(root, db_url)
    sql = ws.compile(bind=False).models["m"].rendered
    with ws.adapter.connection() as conn:
        rows = ws.adapter.query(conn, sql)[1]
    assert rows == [("axc", 4, 5, "hi", "it's", 3, "cd", "true")]


def test_hash_and_dbt_utils_surrogate_keys_agree_on_both_engines(make_project, db_url):
    """SQLite has no md5: the runner gives its connections PostgreSQL's md5(text)."""
    root = make_project(
        {"models/m.sql": "select {{ dbt.hash(dbt.concat([\"'a'\", \"'-'\", '1'])) }} as h"}
    )
    ws = Workspace.open(root, db_url)
    sql = ws.compile(bind=False).models["m"].rendered
    with ws.adapter.connection() as conn:
        assert ws.adapter.query(conn, sql)[1] == [(hashlib.md5(b"a-1").hexdigest(),)]


def test_dbt_macros_answer_to_their_bare_names_as_packages_call_them(make_project, db_url):
    """dbt_date calls last_day(...) unqualified: dbt's own macros are global in dbt."""
    model = "select {{ last_day(dbt.cast(\"'2024-02-10'\", dbt.type_timestamp()), 'month') }} as d"
    ws = Workspace.open(make_project({"models/m.sql": model}), db_url)
    sql = ws.compile(bind=False).models["m"].rendered
    with ws.adapter.connection() as conn:
        [[value]] = ws.adapter.query(conn, sql)[1]
    assert canonical(value)[:10] == "2024-02-29"
