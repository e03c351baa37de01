"""dbt_utils 1.3.3 itself (as `dbt deps` installs it, from the jaffle-shop fixture): its
macros that query the target while rendering, on both engines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runner.tasks.build import build
from runner.workspace import Workspace

UTILS = Path(__file__).parents[1] / "fixtures" / "jaffle_shop_packages" / "dbt_packages"
MODELS = {
    "models/starred.sql": "select {{ dbt_utils.star(from=ref('items'), except=['at']) }} "
    "from {{ ref('items') }}",
    "models/pivoted.sql": "select {{ dbt_utils.pivot('grp', "
    "dbt_utils.get_column_values(ref('items'), 'grp', order_by='grp')) }} from {{ ref('items') }}",
    "models/spine.sql": "{{ dbt_utils.date_spine(datepart='day', "
    "start_date=dbt.cast(\"'2024-01-01'\", dbt.type_timestamp()), "
    "end_date=dbt.cast(\"'2024-01-10'\", dbt.type_timestamp())) }}",
}


def project(make_project, models: dict[str, str]) -> Path:
    root = make_project(
        {
            "dbt_project.yml": "name: shop\nconfig-version: 2\n"
            "models:\n  shop:\n    +materialized: table\n",
            "seeds/items.csv": "id,grp,amount,at\n1,a,10,2024-01-01\n2,a,20,2024-01-02\n"
            "3,b,30,2024-01-03\n",
            **models,
        }
    )
    (root / "project.yml").unlink(missing_ok=True)
    shutil.copytree(UTILS / "dbt_utils", root / "dbt_packages" / "dbt_utils")
    return root


@pytest.fixture
def built(make_project, db_url) -> tuple[Workspace, list]:
    ws = Workspace.open(project(make_project, MODELS), db_url)
    return ws, build(ws, None)  # seeds load before models render: star can read them


def test_star_pivot_and_date_spine_build(built):
    ws, results = built
    assert {r.name: r.status for r in results} == dict.fromkeys(
        ["pivoted", "spine", "starred"], "OK"
    )
    with ws.adapter.connection() as conn:
        assert ws.adapter.query(conn, "select * from starred order by id")[0] == [
            "id",
            "grp",
            "amount",
        ]
        assert ws.adapter.query(conn, "select * from pivoted")[1] == [(2, 1)]
        assert ws.adapter.query(conn, "select count(*) from spine")[1] == [(9,)]


def test_union_relations_on_postgres(make_project, pg_database):
    """PostgreSQL only: its SQL puts each SELECT in parentheses, which SQLite refuses."""
    from tests.helpers import pg_schema_url

    model = "{{ dbt_utils.union_relations(relations=[ref('items'), ref('items')]) }}"
    ws = Workspace.open(project(make_project, {"models/u.sql": model}), pg_schema_url(pg_database))
    assert [r.status for r in build(ws, None)] == ["OK"]
    with ws.adapter.connection() as conn:
        rows = ws.adapter.query(conn, "select _dbt_source_relation, count(*) from u group by 1")
    assert rows[1] == [("items", 6)]
