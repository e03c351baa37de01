"""Seeds on both engines: types, NULL markers, idempotent replace, bad rows load nothing."""

from __future__ import annotations

import pytest

from runner.errors import SeedError
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.helpers import EVENT_COLUMNS


def test_seed_loads_and_reports_rows(shop, db_url):
    ws = Workspace.open(shop(), db_url)
    assert [(r.name, r.rows) for r in seed(ws)] == [("items", 3)]
    assert [r.rows for r in seed(ws)] == [3]  # replace, not append
    with ws.adapter.connection() as conn:
        assert (
            ws.adapter.query(conn, "select sum(qty) from items")[1][0][0] == 8
        )  # inferred integer


def test_declared_types_and_null_marker(make_project, db_url):
    root = make_project({
        "project.yml": "name: t\nseeds:\n  t:\n    column_types: {code: text}\n    null_marker: 'NULL'\n",
        "seeds/t.csv": "code,note\n007,NULL\n010,\n",
    })  # fmt: skip
    ws = Workspace.open(root, db_url)
    seed(ws)
    with ws.adapter.connection() as conn:
        got = ws.adapter.query(conn, "select code, note from t order by code")[1]
    assert got == [("007", None), ("010", "")]


@pytest.mark.parametrize(
    ("csv", "line", "words"),
    [
        ("id,qty\n1,2\n2,3,4\n", 3, "3 columns"),
        ("id,qty\n1,2\n2,x\n", 3, "column 'qty' (line 3, column 2)"),
    ],
)
def test_bad_row_names_file_line_and_loads_nothing(make_project, db_url, csv, line, words):
    root = make_project({
        "project.yml": "name: t\nseeds:\n  t:\n    column_types: {qty: integer}\n",
        "seeds/t.csv": "id,qty\n1,2\n",
    })  # fmt: skip
    ws = Workspace.open(root, db_url)
    seed(ws)
    (root / "seeds/t.csv").write_text(csv)
    with pytest.raises(SeedError) as err:
        seed(ws)
    assert (err.value.path, err.value.line) == ("seeds/t.csv", line)
    assert words in err.value.message
    with ws.adapter.connection() as conn:
        assert ws.adapter.query(conn, "select count(*) from t")[1][0][0] == 1  # old data intact


def test_events_seed_gets_the_spec_ddl(db_url, engine):
    from tests.helpers import REPO

    ws = Workspace.open(REPO, db_url)
    seed(ws)
    with ws.adapter.connection() as conn:
        if engine == "postgres":
            types = ws.adapter.column_types(conn, "events")
            assert (
                types["metadata"] == "jsonb" and types["created_at"] == "timestamp with time zone"
            )
            assert types["id"] == "bigint"
        else:
            ddl = ws.adapter.query(conn, "select sql from sqlite_master where name = 'events'")[1][
                0
            ][0]
            assert "id INTEGER PRIMARY KEY" in ddl and "created_at TEXT" in ddl
        names = ws.adapter.query(conn, "select * from events limit 0")[0]
    assert tuple(names) == EVENT_COLUMNS


INCREMENTAL = """
    {{ config(materialized='incremental', unique_key='id') }}
    select id, qty from {{ source('shop', 'items') }}
    {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
"""


def _kind(ws, name):
    with ws.adapter.connection() as conn:
        return ws.adapter.relation_kind(conn, name)


def test_reseeding_an_unchanged_seed_keeps_the_incremental_models(shop, db_url):
    from runner.tasks.build import run

    ws = Workspace.open(shop(models__inc_sql=INCREMENTAL), db_url)
    seed(ws)
    run(ws, ["inc"], None)
    seed(ws)
    assert _kind(ws, "inc") == "table"


def test_a_changed_seed_drops_the_incremental_models_downstream(shop, db_url):
    from runner.tasks.build import run

    root = shop(models__inc_sql=INCREMENTAL)
    ws = Workspace.open(root, db_url)
    seed(ws)
    run(ws, ["inc"], None)
    (root / "seeds/items.csv").write_text("id,name,qty\n1,a,3\n")
    seed(ws)
    assert _kind(ws, "inc") is None


def test_a_seed_table_written_to_since_loading_counts_as_changed(shop, db_url):
    from runner.tasks.build import run

    ws = Workspace.open(shop(models__inc_sql=INCREMENTAL), db_url)
    seed(ws)
    run(ws, ["inc"], None)
    with ws.adapter.connection() as conn:
        ws.adapter.execute(conn, "insert into items (id, name, qty) values (9, 'z', 1)")
    seed(ws)
    assert _kind(ws, "inc") is None


def test_reseeding_after_a_run_keeps_the_seed_beside_the_sources(make_project, pg_database):
    """PostgreSQL finds models and sources through one search path, the models' schema
    first: a seed loaded once that schema exists must still land with the sources.
    (A URL that sets search_path itself turns the models' schema off, so this test uses
    the database's own search path and a seed name of its own.)"""
    import uuid

    from runner.tasks.build import run

    tag = uuid.uuid4().hex[:8]
    root = make_project({
        "project.yml": f"name: t\nschema: m_{tag}\nsources:\n  s:\n    tables:\n      seed_{tag}: {{}}\n",
        f"seeds/seed_{tag}.csv": "id,qty\n1,2\n2,3\n",
        "models/base.sql": f"{{{{ config(materialized='table') }}}} select * from {{{{ source('s', 'seed_{tag}') }}}}",
    })  # fmt: skip
    ws = Workspace.open(root, pg_database)
    try:
        seed(ws)
        run(ws, None, None)
        seed(ws)
        with ws.adapter.connection() as conn:
            found = ws.adapter.query(conn, f"select to_regclass('m_{tag}.seed_{tag}')")[1][0][0]
            rows = ws.adapter.query(conn, f"select count(*) from seed_{tag}")[1][0][0]
    finally:
        with ws.adapter.connection() as conn:
            ws.adapter.execute(conn, f"DROP SCHEMA IF EXISTS m_{tag} CASCADE")
            ws.adapter.execute(conn, f"DROP TABLE IF EXISTS public.seed_{tag}")
    assert found is None and rows == 2


def test_a_value_the_source_ddl_refuses_names_file_line_and_column(tmp_path, db_url):
    from tests.helpers import copy_project

    root = copy_project(tmp_path / "project")
    path = root / "seeds/events.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = "abc," + lines[2].split(",", 1)[1]
    path.write_text("".join(lines))
    with pytest.raises(SeedError) as err:
        seed(Workspace.open(root, db_url))
    assert (err.value.path, err.value.line) == ("seeds/events.csv", 3)
    assert "column 'id' (line 3, column 1): 'abc' is not a valid integer" in err.value.message
