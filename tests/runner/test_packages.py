"""dbt packages: what `dbt deps` left in dbt_packages/, and `local:` packages."""

from __future__ import annotations

import pytest

from runner.errors import ConfigError, TemplateError
from runner.project.loader import load_project
from runner.tasks.build import build, seed
from runner.workspace import Workspace

ROOT = "name: shop\nprofile: shop\nconfig-version: 2\n"
UTILS = {
    "dbt_packages/my_utils/dbt_project.yml": "name: my_utils\nmacro-paths: [macros]\n",
    "dbt_packages/my_utils/macros/double.sql": """
{% macro double(col) %}{{ helper(col) }} * 2{% endmacro %}
{% macro helper(col) %}({{ col }}){% endmacro %}
{% macro kind() %}{{ return(adapter.dispatch('kind', 'my_utils')()) }}{% endmacro %}
{% macro default__kind() %}'package default'{% endmacro %}
{% macro postgres__kind() %}'package postgres'{% endmacro %}
{% macro sqlite__kind() %}'package sqlite'{% endmacro %}
""",
    "dbt_packages/my_utils/macros/tests.sql": """
{% test at_most(model, column_name, limit) %}
select * from {{ model }} where {{ column_name }} > {{ limit }}
{% endtest %}
{% test has_columns(model, n) %}
select 1 as wrong where {{ adapter.get_columns_in_relation(model) | length }} != {{ n }}
{% endtest %}
{% test same_count(model, other) %}
{{ config(fail_calc='sum(diff)') }}
select abs((select count(*) from {{ model }}) - (select count(*) from {{ other }})) as diff
{% endtest %}
""",
    "dbt_packages/my_utils/macros/columns.sql": """
{% macro column_list(relation) %}
{%- for c in adapter.get_columns_in_relation(relation) %}{{ adapter.quote(c.name) }}
{%- if not loop.last %}, {% endif %}{% endfor %}{{ maybe_set }}
{%- endmacro %}
""",
}


def project(make_project, extra: dict[str, str] | None = None, root: str = ROOT):
    path = make_project({"dbt_project.yml": root, **UTILS, **(extra or {})})
    (path / "project.yml").unlink(missing_ok=True)
    return path


def render(root, db_url: str, model: str = "m") -> str:
    return Workspace.open(root, db_url).compile(bind=False).models[model].rendered


def test_package_macros_are_qualified_and_call_their_own_unqualified(make_project, db_url):
    root = project(make_project, {"models/m.sql": "select {{ my_utils.double('x') }} as y"})
    assert render(root, db_url) == "select (x) * 2 as y"


def test_dispatch_takes_the_package_macro_for_the_target(make_project, db_url, engine):
    root = project(make_project, {"models/m.sql": "select {{ my_utils.kind() }} as k"})
    assert render(root, db_url) == f"select 'package {engine}' as k"


def test_dispatch_searches_the_root_project_before_the_package(make_project, db_url):
    """dbt's default order is [root project, package]: the root's default__ wins over
    the package's own <adapter>__ implementation."""
    root = project(
        make_project,
        {
            "models/m.sql": "select {{ my_utils.kind() }} as k",
            "macros/kind.sql": "{% macro default__kind() %}'root'{% endmacro %}",
        },
    )
    assert render(root, db_url) == "select 'root' as k"


def test_the_dispatch_config_sets_the_search_order(make_project, db_url):
    config = ROOT + "dispatch:\n  - macro_namespace: my_utils\n    search_order: [my_utils]\n"
    root = project(
        make_project,
        {
            "models/m.sql": "select {{ my_utils.kind() }} as k",
            "macros/kind.sql": "{% macro default__kind() %}'root'{% endmacro %}",
        },
        root=config,
    )
    assert render(root, db_url).startswith("select 'package ")


def test_a_local_package_is_read_from_its_path(make_project, db_url):
    root = project(
        make_project,
        {
            "packages.yml": "packages:\n  - local: vendor/lib\n",
            "vendor/lib/dbt_project.yml": "name: lib\n",
            "vendor/lib/macros/one.sql": "{% macro one() %}1{% endmacro %}",
            "models/m.sql": "select {{ lib.one() }} as one",
        },
    )
    assert render(root, db_url) == "select 1 as one"


def test_a_local_package_dbt_deps_linked_is_loaded_once(make_project):
    root = project(
        make_project,
        {
            "packages.yml": "packages:\n  - local: vendor/lib\n",
            "vendor/lib/dbt_project.yml": "name: lib\n",
            "vendor/lib/macros/one.sql": "{% macro one() %}1{% endmacro %}",
            "models/m.sql": "select {{ lib.one() }} as one",
        },
    )
    (root / "dbt_packages" / "lib").symlink_to(root / "vendor" / "lib")  # what dbt deps does
    assert [p.name for p in load_project(root).packages] == ["lib", "my_utils"]


def test_a_package_not_installed_says_to_run_dbt_deps(make_project):
    yml = "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.3\n"
    root = project(make_project, {"packages.yml": yml})
    with pytest.raises(ConfigError, match="'dbt_utils' is not installed") as info:
        load_project(root)
    assert (info.value.path, info.value.line) == ("packages.yml", 2)
    assert "dbt deps" in info.value.hint


def test_an_unknown_package_macro_suggests_the_closest(make_project, db_url):
    root = project(make_project, {"models/m.sql": "select 1 as x\n{{ my_utils.dubble('x') }}"})
    with pytest.raises(TemplateError, match="'my_utils.dubble' does not exist") as info:
        render(root, db_url)
    assert (info.value.path, info.value.line) == ("models/m.sql", 2)
    assert "'double'" in info.value.hint


def test_a_package_with_models_is_an_error_naming_the_file(make_project):
    root = project(make_project, {"dbt_packages/my_utils/models/extra.sql": "select 1"})
    with pytest.raises(ConfigError, match="package 'my_utils' has models") as info:
        load_project(root)
    assert info.value.path == "dbt_packages/my_utils/models/extra.sql"


def test_a_package_generic_test_counts_failing_rows(make_project, db_url):
    yml = (
        "models:\n  - name: m\n    columns:\n      - name: x\n        data_tests:\n"
        "          - my_utils.at_most: {arguments: {limit: 1}}\n"
    )
    sql = "select 1 as x union all select 2 union all select 3"
    root = project(make_project, {"models/m.sql": sql, "models/m.yml": yml})
    results = {r.name: r for r in build(Workspace.open(root, db_url), None)}
    assert results["my_utils_at_most_m_x"].status == "FAIL"
    assert results["my_utils_at_most_m_x"].failures == 2


def test_an_unknown_package_test_is_an_error_at_its_line(make_project):
    yml = "models:\n  - name: m\n    data_tests:\n      - my_utils.at_mots\n"
    root = project(make_project, {"models/m.sql": "select 1 as x", "models/m.yml": yml})
    with pytest.raises(ConfigError, match="has no generic test 'at_mots'") as info:
        load_project(root)
    assert (info.value.path, info.value.line, info.value.hint) == (
        "models/m.yml",
        4,
        "did you mean 'at_most'?",
    )


def test_semantic_models_and_metrics_only_document(make_project):
    yml = (
        "semantic_models:\n  - name: m\n    model: ref('m')\n"
        "metrics:\n  - name: total\n    type: simple\nsaved_queries: []\n"
    )
    root = project(make_project, {"models/m.sql": "select 1 as x", "models/m.yml": yml})
    assert set(load_project(root).models) == {"m"}


def test_a_package_reads_a_relations_columns_while_rendering(make_project, db_url):
    """dbt_utils.star's way: adapter.get_columns_in_relation(ref(...)) on the target;
    a name the package never set renders empty inside it, as in dbt."""
    root = project(
        make_project,
        {
            "seeds/items.csv": "id,name\n1,a\n",
            "models/m.sql": "select {{ my_utils.column_list(ref('items')) }} from {{ ref('items') }}",
        },
    )
    ws = Workspace.open(root, db_url)
    seed(ws)
    assert ws.compile(bind=False).models["m"].rendered == 'select "id", "name" from items'


def test_an_undefined_name_in_the_project_stays_an_error(make_project, db_url):
    root = project(make_project, {"models/m.sql": "select 1 as x\n{{ not_set }}"})
    with pytest.raises(TemplateError, match="not_set") as info:
        render(root, db_url)
    assert info.value.line == 2


def test_a_package_test_with_fail_calc_and_a_ref_argument(make_project, db_url):
    yml = (
        "models:\n  - name: m\n    data_tests:\n"
        "      - my_utils.same_count: {arguments: {other: ref('n')}}\n"
    )
    root = project(
        make_project,
        {
            "models/m.sql": "select 1 as x union all select 2 union all select 3",
            "models/n.sql": "select 1 as x",
            "models/m.yml": yml,
        },
    )
    [result] = [r for r in build(Workspace.open(root, db_url), None) if r.name.startswith("my")]
    assert (result.status, result.failures) == ("FAIL", 2)  # sum(diff), not one row


def test_columns_of_a_model_not_built_yet_are_an_error_naming_it(make_project, db_url):
    """Rendering happens before the run: a model the run has not built has no columns
    to read (dbt would read them at run time), so it is a clear error, not a guess."""
    root = project(
        make_project,
        {
            "models/n.sql": "select 1 as x",
            "models/m.sql": "select 1 as y\n{{ my_utils.column_list(ref('n')) }}",
        },
    )
    with pytest.raises(TemplateError, match="columns of n .* does not exist") as info:
        render(root, db_url)
    where = (info.value.model, info.value.path, info.value.line)
    assert where == ("m", "dbt_packages/my_utils/macros/columns.sql", 2)  # the call


def test_dependencies_yml_projects_are_an_error_at_their_line(make_project):
    yml = "packages: []\nprojects:\n  - name: upstream\n"
    with pytest.raises(ConfigError, match="'projects' is not supported") as info:
        load_project(project(make_project, {"dependencies.yml": yml}))
    assert (info.value.path, info.value.line) == ("dependencies.yml", 2)


def test_a_package_test_is_rendered_after_its_model_is_built(make_project, db_url):
    """dbt renders a test when it runs: one may read its model's columns (dbt_expectations'
    expect_table_column_count_to_equal), which a first build has only just created."""
    yml = (
        "models:\n  - name: m\n    data_tests:\n      - my_utils.has_columns: {arguments: {n: 2}}\n"
    )
    root = project(make_project, {"models/m.sql": "select 1 as x, 2 as y", "models/m.yml": yml})
    results = {r.name: r.status for r in build(Workspace.open(root, db_url), None)}
    assert results == {"m": "OK", "my_utils_has_columns_m": "PASS"}


def test_a_package_macro_defined_twice_is_an_error_at_its_line(make_project):
    again = {
        "dbt_packages/my_utils/macros/zz.sql": "{# again #}\n{% macro helper(x) %}{% endmacro %}"
    }
    root = project(make_project, {"models/m.sql": "select 1 as x", **again})
    with pytest.raises(TemplateError, match="'my_utils.helper' is defined twice") as info:
        Workspace.open(root, "sqlite:///:memory:").compile(bind=False)
    assert (info.value.path, info.value.line) == ("dbt_packages/my_utils/macros/zz.sql", 2)
