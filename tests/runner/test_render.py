"""Rendering: dbt's Jinja spelling, dispatch, StrictUndefined, errors with path and line."""

from __future__ import annotations

import pytest

from runner.compile.compiler import compile_project
from runner.errors import CompileError, GraphError, TemplateError
from runner.project.loader import load_project


def compiled(root, dialect="sqlite", vars=None, bind=True):
    return compile_project(load_project(root), dialect, vars, bind=bind)


@pytest.mark.parametrize(
    ("dialect", "expr"), [("sqlite", "(qty * 2)"), ("postgres", "(qty + qty)")]
)
def test_dispatch_picks_the_dialect_then_default(shop, dialect, expr):
    c = compiled(shop(), dialect)
    assert expr in c.models["final"].sql


def test_ref_source_var_config_env_var(shop, monkeypatch):
    monkeypatch.setenv("SHOP_LIMIT", "7")
    root = shop(
        models__extra_sql="""
        {{ config(materialized='table', tags=['x', 'y']) }}
        select {{ var('minimum') }} as m, {{ var('missing', 42) }} as d,
               {{ env_var('SHOP_LIMIT') }} as e, {{ env_var('NOPE_NOT_SET', 3) }} as f
        from {{ ref('base') }} join {{ source('shop', 'items') }} using (id)
    """
    )
    model = compiled(root).models["extra"]
    assert "select 1 as m, 42 as d," in model.sql and "7 as e, 3 as f" in model.sql
    assert model.refs == ("base",) and model.sources == (("shop", "items"),)
    assert model.materialized == "table" and model.tags == ("x", "y")


def test_vars_from_the_run_override_project_vars(shop):
    assert "qty >= 3" in compiled(shop(), vars={"minimum": 3}).models["base"].sql


def test_timestamp_params_are_placeholders_when_bound(shop):
    root = shop(models__t_sql="select {{ var('as_of') }} as t")
    assert compiled(root, bind=True).models["t"].sql == "select :as_of as t"
    literal = compiled(root, vars={"as_of": "2024-05-22T12:00:00Z"}, bind=False).models["t"].sql
    assert literal == "select '2024-05-22 12:00:00.000000' as t"


def test_undefined_name_names_path_and_line(shop):
    root = shop(models__bad_sql="select 1 as a,\n  {{ nope }} as b\n")
    with pytest.raises(TemplateError) as err:
        compiled(root)
    assert (err.value.path, err.value.line) == ("models/bad.sql", 2)
    assert "nope" in err.value.message


def test_missing_var_is_an_error_with_a_hint(shop):
    root = shop(models__bad_sql="select {{ var('not_there') }} as a")
    with pytest.raises(TemplateError, match="not_there") as err:
        compiled(root)
    assert err.value.line == 1 and "--vars" in err.value.hint


def test_ref_to_missing_model_names_file_and_line(shop):
    root = shop(models__bad_sql="select 1 as a\nfrom {{ ref('ghost') }}\n")
    with pytest.raises(GraphError) as err:
        compiled(root)
    assert (err.value.path, err.value.line) == ("models/bad.sql", 2)
    assert "ghost" in err.value.format()


def test_jinja_syntax_error_names_file_and_line(shop):
    root = shop(models__bad_sql="select 1 as a\n{% if %}\n")
    with pytest.raises(TemplateError) as err:
        compiled(root)
    assert (err.value.path, err.value.line) == ("models/bad.sql", 2)


def test_sql_syntax_error_is_caught_before_the_database(shop):
    root = shop(models__bad_sql="select id,\n  qty\nfrom {{ ref('base') }} wher qty > 1 1\n")
    with pytest.raises(CompileError) as err:
        compiled(root)
    assert (err.value.path, err.value.line) == ("models/bad.sql", 3)
    assert "syntax" in err.value.message


def test_a_model_must_be_a_select(shop):
    root = shop(models__bad_sql="delete from items")
    with pytest.raises(CompileError, match="SELECT"):
        compiled(root)


def test_cycle_is_reported_with_its_path(shop):
    root = shop(
        models__a_sql="select * from {{ ref('b') }}", models__b_sql="select * from {{ ref('a') }}"
    )
    with pytest.raises(GraphError, match="a -> b -> a"):
        compiled(root)


def test_ephemeral_models_are_inlined_as_ctes(shop):
    sql = compiled(shop()).models["final"].sql
    assert (
        sql.startswith("with doubled AS NOT MATERIALIZED (")
        and "x as (select * from doubled)" in sql
    )


def test_transpiles_when_the_project_declares_a_dialect(make_project):
    root = make_project({
        "project.yml": "name: t\ndialect: postgres\n",
        "models/m.sql": "select CAST('1' AS INT) AS a, x::text as b from (select 1 as x) as s",
    })  # fmt: skip
    sql = compiled(root, "sqlite").models["m"].sql
    assert "::" not in sql and "CAST(x AS TEXT)" in sql


def test_a_ref_typo_suggests_the_closest_model(shop):
    root = shop(models__bad_sql="select * from {{ ref('basse') }}")
    with pytest.raises(GraphError) as err:
        compiled(root)
    assert err.value.hint == "did you mean 'base'?"


def test_a_macro_called_without_an_argument_points_at_the_caller(shop):
    root = shop(models__bad_sql="select 1 as a,\n  {{ twice() }} as b\n")
    with pytest.raises(TemplateError) as err:
        compiled(root)
    assert (err.value.path, err.value.line) == ("models/bad.sql", 2)
    assert "parameter 'c' was not provided" in err.value.message


NESTED = """
{% macro safe_div(a, b) %}({{ a }} / nullif({{ b }}, 0)){% endmacro %}

{% macro ratio(a, b) %}
  {{ safe_div(a) }}
{% endmacro %}

{% macro pct(a, b) %}round(100.0 * {{ ratio(a, b) }}, 2){% endmacro %}
"""


def test_a_nested_macro_missing_an_argument_is_blamed_on_its_call_with_the_chain(shop):
    """Issue 24, 9: the error pointed at pct(...) in the model, never at the call that
    misses the argument, nor named the macro called."""
    root = shop(
        macros__math_sql=NESTED, models__bad_sql="select 1 as a,\n  {{ pct('1', '2') }} as b\n"
    )
    with pytest.raises(TemplateError) as err:
        compiled(root)
    assert (err.value.path, err.value.line) == ("macros/math.sql", 4)
    assert err.value.snippet.strip() == "{{ safe_div(a) }}"
    assert err.value.message == (
        "macro 'safe_div' was called without an argument: parameter 'b' was not provided "
        "(in ratio, called at macros/math.sql:7 (in pct); in pct, called at models/bad.sql:2)"
    )


def test_a_macro_defined_twice_is_an_error_at_the_second(shop):
    root = shop(macros__one_sql="{% macro twin() %}1{% endmacro %}",
                macros__two_sql="{# two #}\n{% macro twin() %}2{% endmacro %}")  # fmt: skip
    with pytest.raises(TemplateError, match="macro 'twin' is defined twice") as info:
        compiled(root)
    assert (info.value.path, info.value.line) == ("macros/two.sql", 2)


def test_a_dbt_override_nothing_calls_is_an_error_at_its_line(shop):
    root = shop(macros__alias_sql="{# a #}\n\n{% macro generate_alias_name(a, b) %}x{% endmacro %}")
    with pytest.raises(TemplateError, match="'generate_alias_name' would never be called") as info:
        compiled(root)
    assert (info.value.path, info.value.line) == ("macros/alias.sql", 3)


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        ("select {{ var('minimun') }} as x", "did you mean 'minimum'?"),
        ("select {{ twicee('qty') }} as x", "did you mean 'twice'?"),
    ],
)
def test_a_var_or_macro_typo_suggests_the_closest_name(shop, body, hint):
    """Issue 24, 11: var() and macro names had no closest-name suggestion."""
    with pytest.raises(TemplateError) as err:
        compiled(shop(models__bad_sql=body))
    assert err.value.hint == hint and err.value.path == "models/bad.sql"
