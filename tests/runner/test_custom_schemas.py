"""dbt's custom schemas for seeds and sources, and a seed enabled by a var."""

from __future__ import annotations

import pytest

from runner.errors import ConfigError
from runner.tasks.build import build, seed
from runner.workspace import Workspace

FILES = {
    "seeds/raw_items.csv": "id\n1\n2\n",
    "models/items.sql": "select id from {{ source('shop', 'raw_items') }}",
}


def dbt_project(make_project, seeds: str, sources: str = "", extra: dict | None = None):
    root = make_project(
        {
            "dbt_project.yml": f"name: shop\nconfig-version: 2\nseeds:\n  shop:\n{seeds}",
            "models/sources.yml": "sources:\n  - name: shop\n"
            + sources
            + "    tables: [{name: raw_items}]\n",
            **FILES,
            **(extra or {}),
        }
    )
    (root / "project.yml").unlink(missing_ok=True)
    return root


def test_a_seed_enabled_by_a_var_loads_only_with_it(make_project, db_url):
    root = dbt_project(make_project, "    +enabled: \"{{ var('load', false) }}\"\n")
    ws = Workspace.open(root, db_url)
    assert seed(ws) == []
    assert [r.rows for r in seed(ws, vars={"load": True})] == [2]


def test_a_seed_schema_and_a_source_schema_meet(make_project, pg_database):
    """Without a generate_schema_name of the project's, dbt's default names the seed's
    schema <target schema>_<custom>; the source reads it by that schema."""
    from tests.helpers import pg_schema_url

    root = dbt_project(make_project, "    +schema: landing\n", "    schema: public_landing\n")
    ws = Workspace.open(root, pg_schema_url(pg_database))
    results = build(ws, None)
    assert [(r.name, r.status) for r in results if hasattr(r, "materialized")] == [("items", "OK")]
    with ws.adapter.connection() as conn:
        assert ws.adapter.query(conn, "select count(*) from public_landing.raw_items")[1] == [(2,)]


def test_the_project_generate_schema_name_places_seeds(make_project, pg_database):
    from tests.helpers import pg_schema_url

    macro = (
        "{% macro generate_schema_name(custom, node) %}"
        "{% if node.resource_type == 'seed' %}{{ custom | trim }}_x{% else %}"
        "{{ target.schema }}{% endif %}{% endmacro %}"
    )
    root = dbt_project(
        make_project, "    +schema: landing\n", "    schema: landing_x\n", {"macros/s.sql": macro}
    )
    ws = Workspace.open(root, pg_schema_url(pg_database))
    assert ws.project.seeds["raw_items"].schema == "landing_x"
    seed(ws)
    with ws.adapter.connection() as conn:
        assert ws.adapter.query(conn, "select count(*) from landing_x.raw_items")[1] == [(2,)]


def test_on_sqlite_a_custom_schema_is_an_error_naming_it(make_project, tmp_path):
    root = dbt_project(make_project, "    +schema: landing\n")
    with pytest.raises(ConfigError, match=r"custom schemas \(main_landing\) need"):
        Workspace.open(root, f"sqlite:///{tmp_path / 'x.db'}")


def test_jinja_in_a_model_enabled_is_an_error(make_project, tmp_path):
    root = dbt_project(make_project, "    +enabled: true\n")
    config = (root / "dbt_project.yml").read_text()
    config += "models:\n  shop:\n    +enabled: \"{{ var('on', true) }}\"\n"
    (root / "dbt_project.yml").write_text(config)
    with pytest.raises(ConfigError, match="model items: \\+enabled .* is not a boolean"):
        Workspace.open(root, f"sqlite:///{tmp_path / 'x.db'}")
