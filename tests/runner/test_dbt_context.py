"""dbt's Jinja context for dbt-written macros: dispatch, return, do, target, this, log."""

from __future__ import annotations

import pytest

from runner.errors import TemplateError
from runner.workspace import Workspace

MACROS = """
{% macro greeting(name) %}{{ return(adapter.dispatch('greeting')(name)) }}{% endmacro %}
{% macro default__greeting(name) %}{{ return("'hello " ~ name ~ "'") }}{% endmacro %}
{% macro sqlite__greeting(name) %}{{ return("'hi " ~ name ~ "'") }}{% endmacro %}
{% macro columns() %}
  {% set found = [] %}
  {% do found.append('a') %}
  {% do found.append('b') %}
  {{ return(found) }}
{% endmacro %}
"""


def render(make_project, db_url, model: str) -> str:
    root = make_project({"macros/m.sql": MACROS, "models/m.sql": model})
    return Workspace.open(root, db_url).compile(bind=False).models["m"].rendered


def test_dispatch_follows_the_target_then_default(make_project, db_url, engine):
    sql = render(make_project, db_url, "select {{ greeting('you') }} as g")
    expected = {"sqlite": "'hi you'", "postgres": "'hello you'"}[engine]
    assert sql == f"select {expected} as g"


def test_return_gives_a_value_and_do_mutates_it(make_project, db_url):
    sql = render(make_project, db_url, "select {{ columns() | join(', ') }} from t")
    assert sql == "select a, b from t"


def test_target_and_this_describe_where_the_model_goes(make_project, db_url, engine):
    sql = render(
        make_project,
        db_url,
        "select '{{ target.type }}' as t, '{{ this.schema }}.{{ this.identifier }}' as r "
        "{{ log('rendering', info=False) }}{% if execute %}where 1 = 1{% endif %}",
    )
    schema = {"sqlite": "main", "postgres": "public"}[engine]
    assert sql == f"select '{engine}' as t, '{schema}.m' as r where 1 = 1"


def test_run_query_reads_the_target_while_rendering(make_project, db_url):
    model = "{% set r = run_query('select 7 as n union all select 8') %}select {{ r.columns[0].values() | sort | join(' + ') }} as s"
    assert render(make_project, db_url, model) == "select 7 + 8 as s"


def test_statement_and_load_result_fetch_a_value(make_project, db_url):
    model = (
        "{% call statement('n', fetch_result=True) %}select 41 + 1{% endcall %}"
        "select {{ load_result('n')['data'][0][0] }} as answer"
    )
    assert render(make_project, db_url, model) == "select 42 as answer"


def test_a_failing_query_while_rendering_is_an_error_at_its_line(make_project, db_url):
    with pytest.raises(TemplateError, match="a query run while rendering failed") as info:
        render(make_project, db_url, "select 1 as x\n{% set r = run_query('select * from nope') %}")
    assert (info.value.path, info.value.line) == ("models/m.sql", 2)


def test_modules_datetime_is_available(make_project, db_url):
    sql = render(make_project, db_url, "select {{ modules.datetime.date(2024, 1, 2).year }} as y")
    assert sql == "select 2024 as y"
