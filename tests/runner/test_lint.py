"""runner lint: each rule, path:line, exit codes; the project's own models lint clean."""

from __future__ import annotations

import shutil

import pytest

from runner.checks.lint import lint
from runner.cli import main
from runner.project.loader import load_project
from tests.helpers import REPO

TYPED = """
name: shop
sources:
  shop:
    tables:
      items: {columns: [id, name, qty]}
      prices: {columns: [id, price]}
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_the_project_lints_clean(dialect):
    assert lint(load_project(REPO), dialect) == []


def rules(root, dialect="sqlite"):
    return {(f.path, f.line, f.rule, f.level) for f in lint(load_project(root), dialect)}


def test_unknown_and_ambiguous_columns(make_project):
    root = make_project({
        "project.yml": TYPED,
        "models/base.sql": "{{ config(materialized='table') }}\nselect id, qty from {{ source('shop', 'items') }}",
        "models/uses.sql": "select id,\n  name\nfrom {{ ref('base') }}",
        "models/both.sql": "select\n  id\nfrom {{ ref('base') }} as b join {{ source('shop', 'prices') }} as p on b.id = p.id",
    })  # fmt: skip
    found = rules(root)
    assert ("models/uses.sql", 2, "unknown-column", "error") in found
    assert ("models/both.sql", 2, "ambiguous-column", "error") in found


def test_unknown_ref(make_project):
    root = make_project(
        {"project.yml": TYPED, "models/a.sql": "select 1 as x\nfrom {{ ref('ghost') }}"}
    )
    assert rules(root) == {("models/a.sql", 2, "unknown-ref", "error")}


def test_star_in_marts_and_untested_models_are_warnings(make_project, capsys):
    root = make_project({
        "project.yml": TYPED,
        "models/marts/m.sql": "select * from {{ source('shop', 'items') }}",
    })  # fmt: skip
    assert rules(root) == {
        ("models/marts/m.sql", 1, "select-star-in-mart", "warning"),
        ("models/marts/m.sql", 1, "untested-model", "warning"),
    }
    assert main(["lint", "--project-dir", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 2 warnings"


def test_errors_exit_1(make_project, capsys):
    root = make_project(
        {"project.yml": TYPED, "models/a.sql": "select nope from {{ source('shop', 'items') }}"}
    )
    assert main(["lint", "--project-dir", str(root)]) == 1
    out = capsys.readouterr().out
    assert (
        "models/a.sql:1: error unknown-column: column 'nope' is not produced by shop.items" in out
    )
    assert out.splitlines()[-1] == "1 error, 1 warning"  # it said `1 errors, 1 warnings`


def test_a_qualified_unknown_column_is_reported_on_its_line(make_project):
    root = make_project({
        "project.yml": TYPED,
        "models/a.sql": "select\n  i.id,\n  i.qtty\nfrom {{ source('shop', 'items') }} as i",
    })  # fmt: skip
    assert ("models/a.sql", 3, "unknown-column", "error") in rules(root)


def test_select_star_is_reported_on_its_line(make_project):
    root = make_project({
        "project.yml": TYPED,
        "models/marts/m.sql": "{#- a mart -#}\n\nselect * from {{ source('shop', 'items') }}",
    })  # fmt: skip
    assert ("models/marts/m.sql", 3, "select-star-in-mart", "warning") in rules(root)


TYPED_COLUMNS = """
name: shop
sources:
  shop:
    tables:
      items: {columns: {id: integer, name: text, qty: integer}}
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_arithmetic_on_text_is_an_error_whatever_the_engine(make_project, dialect):
    """SQLite would run it; PostgreSQL refuses it: lint says so before either runs."""
    root = make_project({
        "project.yml": TYPED_COLUMNS,
        "models/a.sql": "select\n  id,\n  max(name / 2) as half\nfrom {{ source('shop', 'items') }}\ngroup by id",
    })  # fmt: skip
    assert ("models/a.sql", 3, "type-mismatch", "error") in rules(root, dialect)


def test_arithmetic_on_numbers_through_a_model_is_fine(make_project):
    root = make_project({
        "project.yml": TYPED_COLUMNS,
        "models/base.sql": "select id, qty, name from {{ source('shop', 'items') }}",
        "models/b.sql": "select id, qty * 2 as twice, name from {{ ref('base') }}",
    })  # fmt: skip
    assert not [r for r in rules(root) if r[2] == "type-mismatch"]


def test_text_flows_through_models_to_the_error(make_project):
    root = make_project({
        "project.yml": TYPED_COLUMNS,
        "models/base.sql": "select id, name as label from {{ source('shop', 'items') }}",
        "models/b.sql": "select id,\n  label + 1 as n\nfrom {{ ref('base') }}",
    })  # fmt: skip
    assert ("models/b.sql", 2, "type-mismatch", "error") in rules(root)


def test_a_source_without_columns_is_not_checked(make_project):
    root = make_project(
        {
            "project.yml": "name: shop\nsources:\n  shop:\n    tables:\n      items: {}\n",
            "models/m.sql": "select id from {{ source('shop', 'items') }}",
        }
    )
    assert [f.rule for f in lint(load_project(root), "sqlite")] == ["untested-model"]


def test_seed_columns_come_from_the_csv_header(make_project):
    root = make_project(
        {
            "seeds/raw.csv": "id,name\n1,a\n",
            "models/m.sql": "select id, nme from {{ ref('raw') }}",
        }
    )
    assert rules(root) == {
        ("models/m.sql", 1, "unknown-column", "error"),
        ("models/m.sql", 1, "untested-model", "warning"),
    }


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_jaffle_shop_lints_clean(dialect, tmp_path):
    """Its staging models read seeds: their columns come from the CSV headers."""
    jaffle = shutil.copytree(REPO / "tests" / "fixtures" / "jaffle_shop", tmp_path / "j")
    assert [f for f in lint(load_project(jaffle), dialect) if f.level == "error"] == []


TYPOS = """
{#- viewz, nope.qty, c.name and q below are all wrong: select * from c -#}
with c as (
    select id,
        viewz
    from {{ source('shop', 'items') }}
)
select
    c.id,
    nope.qty,
    c.name,
    q
from c
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_every_unknown_column_is_reported_at_its_own_line(make_project, dialect):
    """Issue 24, 3 and 4: lint stopped at the first unknown column of a model, put a
    typo inside a CTE or under a bad qualifier on line 1 (a comment naming it), and
    listed every input instead of the relation a qualifier names."""
    root = make_project({"project.yml": TYPED, "models/a.sql": TYPOS})
    findings = lint(load_project(root), dialect)
    found = {(f.line, f.rule, f.message) for f in findings}
    assert found >= {
        (4, "unknown-column", "column 'viewz' is not produced by shop.items"),
        (9, "unknown-column", "nope.qty: 'nope' names no relation this query reads (it reads the CTE c)"),
        (10, "unknown-column", "column 'name' is not produced by the CTE c"),
        (11, "unknown-column", "column 'q' is not produced by the CTE c"),
    }  # fmt: skip
    assert [f.line for f in findings if f.level == "error"] == [
        4, 9, 10, 11
    ]  # fmt: skip


def test_a_qualified_column_names_the_relation_its_qualifier_names(make_project):
    root = make_project({
        "project.yml": TYPED,
        "models/a.sql": "select i.id, p.qty\nfrom {{ source('shop', 'items') }} as i\n"
        "join {{ source('shop', 'prices') }} as p on i.id = p.id",
    })  # fmt: skip
    [finding] = [f for f in lint(load_project(root), "sqlite") if f.level == "error"]
    assert finding.message == "column 'qty' is not produced by shop.prices (as p)"


def test_select_star_is_found_in_the_sql_not_in_a_comment(make_project):
    """Issue 24, 3: `SELECT p.*` was put at line 1, a Jinja comment saying `select *`."""
    root = make_project({
        "project.yml": TYPED,
        "models/marts/m.sql": "{#- select * is what a mart avoids,\n    select * -#}\n"
        "select\n    p.*\nfrom {{ source('shop', 'items') }} as p",
    })  # fmt: skip
    assert ("models/marts/m.sql", 4, "select-star-in-mart", "warning") in rules(root)
