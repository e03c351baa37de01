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
    assert (
        "models/a.sql:1: error unknown-column: column 'nope' is not produced by shop.items"
        in capsys.readouterr().out
    )


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
