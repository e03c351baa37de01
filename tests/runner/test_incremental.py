"""Incremental models on both engines: whole build, delete+insert batches, full refresh."""

from __future__ import annotations

import pytest

from runner.errors import ConfigError
from runner.execute.reading import query_models
from runner.execute.refresh import refresh
from runner.tasks.build import run, seed
from runner.workspace import Workspace

TOTALS = """
    {{ config(materialized='incremental', unique_key='name', indexes=[['total']]) }}
    select name, sum(qty) as total, count(*) as n, max(id) as last_id
    from {{ source('shop', 'items') }}
    {% if is_incremental() %}
    where name in (select name from {{ source('shop', 'items') }}
                   where id > (select coalesce(max(last_id), 0) from {{ this }}))
    {% endif %}
    group by name
"""


@pytest.fixture
def ledger(shop):
    return shop(
        models__totals_sql=TOTALS,
        models__base_sql="select 1 as one",
        models__final_sql="select name, total from {{ ref('totals') }}",
    )


def add_item(ws, id_, name, qty):
    with ws.adapter.connection() as conn:
        ws.adapter.execute(
            conn, "insert into items (id, name, qty) values (:i, :n, :q)",
            {"i": id_, "n": name, "q": qty},
        )  # fmt: skip


def table(ws, sql):
    with ws.adapter.connection() as conn:
        return sorted(ws.adapter.query(conn, sql)[1])


def test_first_run_builds_the_whole_table_with_its_indexes(shop, db_url):
    ws = Workspace.open(shop(models__totals_sql=TOTALS), db_url)
    seed(ws)
    [result] = run(ws, ["totals"], None)
    assert (result.materialized, result.status, result.rows) == ("incremental", "OK", 3)
    with ws.adapter.connection() as conn:
        assert ws.adapter.relation_kind(conn, "ix_totals_total") == "index"


def test_a_later_run_replaces_only_the_rows_of_the_keys_it_returns(ledger, db_url):
    ws = Workspace.open(ledger, db_url)
    seed(ws)
    run(ws, ["totals"], None)
    add_item(ws, 4, "a", 10)
    add_item(ws, 5, "d", 1)
    [result] = run(ws, ["totals"], None)
    assert result.rows == 2
    assert table(ws, "select name, total, n from totals") == [
        ("a", 13, 2), ("b", 0, 1), ("c", 5, 1), ("d", 1, 1)
    ]  # fmt: skip
    assert [r.rows for r in run(ws, ["totals"], None)] == [0]


def test_full_refresh_rebuilds(ledger, db_url):
    ws = Workspace.open(ledger, db_url)
    seed(ws)
    run(ws, ["totals"], None)
    with ws.adapter.connection() as conn:
        ws.adapter.execute(conn, "delete from totals")
    assert table(ws, "select name from totals") == []
    run(ws, ["totals"], None, full_refresh=True)
    assert [n for (n,) in table(ws, "select name from totals")] == ["a", "b", "c"]


def test_reseeding_a_source_written_since_drops_incremental_state(ledger, db_url):
    """The reload takes the source back to the file: a kept watermark would be ahead."""
    ws = Workspace.open(ledger, db_url)
    seed(ws)
    add_item(ws, 4, "c", 2)
    run(ws, ["totals"], None)
    seed(ws)
    with ws.adapter.connection() as conn:
        assert ws.adapter.relation_kind(conn, "totals") is None


def test_refresh_brings_incremental_parents_up_to_date_and_a_query_reads_them(ledger, db_url):
    ws = Workspace.open(ledger, db_url)
    seed(ws)
    compiled = ws.compile(bind=True)
    with ws.adapter.connection() as conn:
        refresh(ws.adapter, conn, compiled, ["final"])
        first = query_models(ws.adapter, conn, compiled, ["final"])["final"]
    assert sorted((r["name"], r["total"]) for r in first) == [("a", 3), ("b", 0), ("c", 5)]
    add_item(ws, 4, "c", 2)
    with ws.adapter.connection() as conn:
        stale = query_models(ws.adapter, conn, compiled, ["final"])["final"]
        assert sorted((r["name"], r["total"]) for r in stale) == sorted(
            (r["name"], r["total"]) for r in first
        )  # a query never writes: the arrival waits for a refresh
        assert [r.rows for r in refresh(ws.adapter, conn, compiled, ["final"])] == [1]
        again = query_models(ws.adapter, conn, compiled, ["final"])["final"]
    assert sorted((r["name"], r["total"]) for r in again) == [("a", 3), ("b", 0), ("c", 7)]


def test_an_append_model_adds_its_batch_without_a_key(shop, db_url):
    root = shop(
        models__log_sql="""
        {{ config(materialized='incremental', incremental_strategy='append') }}
        select id, name from {{ source('shop', 'items') }}
        {% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
    """
    )
    ws = Workspace.open(root, db_url)
    seed(ws)
    run(ws, ["log"], None)
    add_item(ws, 9, "z", 1)
    assert [r.rows for r in run(ws, ["log"], None)] == [1]
    with ws.adapter.connection() as conn:
        assert ws.adapter.count(conn, ws.adapter.qualify("log")) == 4


def test_an_unknown_incremental_strategy_is_a_config_error_at_its_line(shop, db_url):
    root = shop(
        models__log_sql="select 1 as x\n{{ config(materialized='incremental', incremental_strategy='merge') }}"
    )
    with pytest.raises(ConfigError, match="merge") as info:
        Workspace.open(root, db_url).compile()
    assert (info.value.path, info.value.line) == ("models/log.sql", 2)


def test_delete_insert_needs_a_unique_key(shop, db_url):
    root = shop(
        models__totals_sql="{{ config(materialized='incremental', "
        "incremental_strategy='delete+insert') }} select 1 as x"
    )
    with pytest.raises(ConfigError, match="unique_key") as info:
        Workspace.open(root, db_url).compile()
    assert info.value.path == "models/totals.sql"


def test_without_a_unique_key_the_batch_is_appended_as_in_dbt(shop, db_url):
    root = shop(models__totals_sql="{{ config(materialized='incremental') }} select 1 as x")
    model = Workspace.open(root, db_url).compile().models["totals"]
    assert (model.incremental_strategy, model.unique_key) == ("append", None)


def test_this_and_is_incremental_render_both_ways(shop, db_url):
    compiled = Workspace.open(shop(models__totals_sql=TOTALS), db_url).compile()
    model = compiled.models["totals"]
    assert "from totals" in model.incremental_sql and "max(last_id)" in model.incremental_sql
    assert "max(last_id)" not in model.sql


MIXED_KEY = """
    {{ config(materialized='incremental', unique_key='"Name"') }}
    select name as "Name", count(*) as n, max(id) as last_id
    from {{ source('shop', 'items') }}
    {% if is_incremental() %}
    where name in (select name from {{ source('shop', 'items') }}
                   where id > (select coalesce(max(last_id), 0) from {{ this }}))
    {% endif %}
    group by name
"""


def test_a_quoted_mixed_case_unique_key_replaces_rows(shop, db_url):
    ws = Workspace.open(shop(models__totals_sql=MIXED_KEY), db_url)
    seed(ws)
    run(ws, ["totals"], None)
    add_item(ws, 4, "c", 10)
    [result] = run(ws, ["totals"], None)
    assert (result.status, result.rows) == ("OK", 1)
    assert table(ws, 'select "Name", n from totals') == [("a", 1), ("b", 1), ("c", 2)]


def test_a_unique_key_that_is_not_columns_is_a_config_error(shop, db_url):
    root = shop(models__totals_sql="{{ config(materialized='incremental', unique_key='a+b') }} x")
    with pytest.raises(ConfigError, match="unique_key must name columns"):
        Workspace.open(root, db_url).compile()
