"""A project written for dbt: dbt_project.yml, folder configs, seeds, sources in YAML."""

from __future__ import annotations

import pytest

from runner.errors import ConfigError
from runner.execute.unit_tests import run_unit_tests
from runner.project.loader import load_project
from runner.tasks.build import build, data_tests, run, seed
from runner.workspace import Workspace

DBT_PROJECT = """
    name: shop
    profile: shop
    config-version: 2
    models:
      shop:
        +materialized: table
        +tags: [nightly]
        staging:
          +materialized: view
          +tags: staged
        scratch:
          +enabled: false
"""
FILES = {
    "dbt_project.yml": DBT_PROJECT,
    "seeds/raw/raw_items.csv": "id,day,at,ok,price\n1,2024-01-02,2024-01-02 10:00:00,true,1.5\n"
    "2,2024-01-03,2024-01-03 11:30:00,false,2\n",
    "models/staging/stg_items.sql": "select id, day, ok, price from {{ ref('raw_items') }}",
    "models/items.sql": "with stg_items as (select * from {{ ref('stg_items') }})\n"
    "select * from stg_items",
    "models/scratch/broken.sql": "select nonsense from nowhere",
}


def make_dbt(make_project, extra: dict[str, str] | None = None):
    root = make_project({**FILES, **(extra or {})})
    (root / "project.yml").unlink()
    return root


def test_folder_configs_set_materialization_and_tags(make_project):
    project = load_project(make_dbt(make_project))
    assert project.models["items"].config == {"materialized": "table", "tags": ("nightly",)}
    assert project.models["stg_items"].config == {
        "materialized": "view",
        "tags": ("nightly", "staged"),
    }


def test_enabled_false_leaves_the_model_out(make_project):
    assert "broken" not in load_project(make_dbt(make_project)).models


def test_unknown_folder_config_is_an_error_at_its_line(make_project):
    root = make_dbt(make_project, {"dbt_project.yml": DBT_PROJECT + "        +grants: {}\n"})
    with pytest.raises(ConfigError, match=r"unknown config \+grants") as info:
        load_project(root)
    assert (info.value.path, info.value.line) == ("dbt_project.yml", 13)


def test_custom_schema_is_refused_with_what_to_do(make_project):
    root = make_dbt(make_project, {"dbt_project.yml": DBT_PROJECT + "        +schema: marts\n"})
    with pytest.raises(ConfigError, match=r"\+schema is not supported"):
        load_project(root)


def test_unknown_project_key_is_an_error(make_project):
    root = make_dbt(
        make_project, {"dbt_project.yml": DBT_PROJECT + "    on-run-end: ['select 1']\n"}
    )
    with pytest.raises(ConfigError, match="'on-run-end' is not supported") as info:
        load_project(root)
    assert info.value.line == 13


def test_both_project_files_is_an_error(make_project):
    root = make_dbt(make_project)
    (root / "project.yml").write_text("name: other\n")
    with pytest.raises(ConfigError, match="both dbt_project.yml and project.yml"):
        load_project(root)


def test_seeds_in_subfolders_are_found(make_project):
    assert list(load_project(make_dbt(make_project)).seeds) == ["raw_items"]


def test_seed_types_are_inferred_like_dbt(make_project, db_url):
    ws = Workspace.open(make_dbt(make_project), db_url)
    seed(ws)
    with ws.adapter.connection() as conn:
        rows = ws.adapter.query(conn, "SELECT id FROM raw_items WHERE ok AND day < '2024-01-03'")
    assert rows[1] == [(1,)]


def test_ref_to_a_seed_and_an_import_cte_named_like_its_model(make_project, db_url):
    ws = Workspace.open(make_dbt(make_project), db_url)
    seed(ws)
    results = run(ws, None, None)
    assert {r.name: (r.status, r.rows) for r in results} == {
        "stg_items": ("OK", None),
        "items": ("OK", 2),
    }


def test_sources_are_read_from_model_yaml(make_project, db_url):
    ws = Workspace.open(
        make_dbt(
            make_project,
            {
                "models/sources.yml": """
                version: 2
                sources:
                  - name: shop
                    tables:
                      - name: items
                        identifier: raw_items
                        columns: [{name: id}]
            """,
                "models/from_source.sql": "select id from {{ source('shop', 'items') }}",
            },
        ),
        db_url,
    )
    results = build(ws, ["from_source"])
    assert [(r.name, r.status) for r in results] == [("from_source", "OK")]


TESTS_YML = """
    version: 2
    models:
      - name: items
        columns:
          - name: id
            data_tests:
              - unique
              - relationships:
                  arguments: {to: ref('stg_items'), field: id}
          - name: price
            tests:
              - accepted_values:
                  arguments: {values: [2]}
                  config: {where: "id > 1"}
              - accepted_values:
                  values: [3]
                  config: {severity: warn}
"""


def test_data_tests_arguments_where_and_severity(make_project, db_url):
    ws = Workspace.open(make_dbt(make_project, {"models/items.yml": TESTS_YML}), db_url)
    seed(ws)
    run(ws, None, None)
    statuses = {r.name: r.status for r in data_tests(ws, ["items"])}
    assert statuses == {
        "unique_items_id": "PASS",
        "relationships_items_id": "PASS",
        "accepted_values_items_price": "PASS",
        "accepted_values_items_price_2": "WARN",
    }


def test_a_test_from_a_package_not_installed_is_an_error_at_its_line(make_project):
    yml = "models:\n  - name: items\n    data_tests:\n      - dbt_utils.at_least_one\n"
    with pytest.raises(ConfigError, match="package 'dbt_utils' is not installed") as info:
        load_project(make_dbt(make_project, {"models/items.yml": yml}))
    assert (info.value.path, info.value.line) == ("models/items.yml", 4)


def test_doc_blocks_fill_descriptions(make_project):
    root = make_dbt(
        make_project,
        {
            "models/docs.md": "{% docs item_id %}\nThe item's id.\n{% enddocs %}\n",
            "models/items.yml": "models:\n  - name: items\n    columns:\n"
            "      - {name: id, description: '{{ doc(\"item_id\") }}'}\n",
        },
    )
    assert load_project(root).properties["items"].columns["id"] == "The item's id."


def test_a_key_we_would_ignore_in_model_yaml_is_an_error_at_its_line(make_project):
    yml = "models:\n  - name: items\n    columns:\n      - {name: id, description: a, else b}\n"
    with pytest.raises(ConfigError, match="'else b' in a column's properties") as info:
        load_project(make_dbt(make_project, {"models/items.yml": yml}))
    assert info.value.line == 4


def test_generate_schema_name_putting_models_elsewhere_is_an_error_at_its_line(
    make_project, db_url
):
    macro = "select 1\n{% macro generate_schema_name(custom, node) %}x{% endmacro %}\n"
    root = make_dbt(make_project, {"macros/schema.sql": macro})
    with pytest.raises(ConfigError, match="puts model items in schema 'x'") as e:
        Workspace.open(root, db_url)
    assert (e.value.path, e.value.line) == ("macros/schema.sql", 2)


def test_snapshots_are_refused_with_what_to_do(make_project):
    root = make_dbt(make_project, {"snapshots/s.sql": "{% snapshot s %}select 1{% endsnapshot %}"})
    with pytest.raises(ConfigError, match="snapshots are not supported") as info:
        load_project(root)
    assert info.value.path == "snapshots/s.sql"


UNIT_YML = """
unit_tests:
  - name: stg_items_reads_its_seed
    model: stg_items
    given:
      - input: ref('raw_items')
        rows:
          - {id: 5, day: '2024-01-01', ok: 1, price: 2}
    expect:
      rows:
        - {id: 5, price: 2}
"""


def test_a_unit_test_may_give_rows_for_a_seed_the_model_refs(make_project, db_url):
    ws = Workspace.open(make_dbt(make_project, {"models/unit.yml": UNIT_YML}), db_url)
    [result] = run_unit_tests(ws, None)
    assert (result.status, result.message) == ("PASS", "")


def test_singular_tests_default_to_dbts_tests_folder(make_project):
    root = make_dbt(make_project, {"tests/no_negative.sql": "select * from {{ ref('items') }}"})
    assert list(load_project(root).singular_tests) == ["no_negative"]


def test_vars_scoped_to_the_project_are_read(make_project):
    root = make_dbt(
        make_project, {"dbt_project.yml": DBT_PROJECT + "    vars:\n      shop: {x: 1}\n"}
    )
    assert load_project(root).vars == {"x": 1}
