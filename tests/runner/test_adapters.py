"""Adapters: URL schemes, settings each engine applies, SQLite's decimal extension, the
schema models are built in."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from runner.adapters import adapter_for_url
from runner.adapters.sqlite import _register_functions
from runner.errors import ConfigError

DECIMALS = [
    "SELECT decimal_add('1.10', '2.20')",
    "SELECT decimal_mul('0.005', '3')",
    "SELECT decimal_sub('189000.50', '0.5')",
    "SELECT decimal('007')",
    "SELECT decimal('abc')",
    "SELECT decimal_sum(x) FROM (SELECT '0.005' AS x UNION ALL SELECT '12.345' UNION ALL SELECT '189000.50')",
    "SELECT quote(decimal_sum(x)) FROM (SELECT 1 AS x WHERE 0)",
    "SELECT quote(decimal_add(NULL, '1'))",
]


def our(sql: str) -> str:
    conn = sqlite3.connect(":memory:")
    _register_functions(conn)
    return str(conn.execute(sql).fetchone()[0])


@pytest.mark.parametrize("sql", DECIMALS)
def test_decimal_functions_agree_with_the_sqlite_shell(sql):
    """The sqlite3 shell has SQLite's decimal extension built in: a view using these
    functions reads the same there (numbers compared, not their spelling)."""
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 shell is not installed")
    theirs = subprocess.run([shell, ":memory:", sql], capture_output=True, text=True).stdout.strip()
    mine = our(sql)
    try:
        assert float(mine) == float(theirs), sql
    except ValueError:
        assert mine == theirs, sql


def test_decimal_sums_are_exact():
    assert our("SELECT decimal_sum(x) FROM (SELECT '0.1' AS x UNION ALL SELECT '0.2')") == "0.3"
    assert (
        our("SELECT decimal_mul('123456789012345678.91', '10000')") == "1234567890123456789100.00"
    )


def test_an_unknown_scheme_is_a_configuration_error():
    with pytest.raises(ConfigError, match="unsupported database URL"):
        adapter_for_url("mysql://x")


def test_a_sqlite_url_option_must_name_the_schema(tmp_path):
    with pytest.raises(ConfigError, match="bad SQLite URL"):
        adapter_for_url(f"sqlite:///{tmp_path}/a.db?analytics=x.db", tmp_path, schema="marts")
    adapter = adapter_for_url(f"sqlite:///{tmp_path}/a.db?marts=m.db", tmp_path, schema="marts")
    assert adapter.models_path == str(tmp_path / "m.db")


def test_postgres_builds_models_in_the_projects_schema(pg_database):
    adapter = adapter_for_url(pg_database, schema="marts_t")
    with adapter.connection() as conn:
        adapter.prepare_schema(conn)
        adapter.execute(conn, "CREATE TABLE built_here AS SELECT 1 AS x")
        where = adapter.query(
            conn, "SELECT schemaname FROM pg_tables WHERE tablename = 'built_here'"
        )
        adapter.execute(conn, "DROP SCHEMA marts_t CASCADE")
    assert where[1] == [("marts_t",)]


def test_a_postgres_url_that_sets_search_path_wins_over_the_schema(pg_database):
    url = f"{pg_database}?options=-csearch_path%3Dpublic"
    assert adapter_for_url(url, schema="marts_t").schema is None


def test_a_dedicated_connection_is_never_one_of_the_pools(pg_database):
    """A server's refresher connects on its own: with every pooled connection in use by
    requests it still gets one, and it never takes one from them."""
    from runner.adapters import ConnectionSettings
    from runner.errors import DatabaseError

    adapter = adapter_for_url(
        pg_database, settings=ConnectionSettings(pool_size=1, pool_timeout=0.3)
    )
    try:
        with adapter.connection() as held:
            with adapter.connection(dedicated=True) as own:
                assert own is not held and adapter.query(own, "SELECT 1")[1] == [(1,)]
            with pytest.raises(DatabaseError) as err, adapter.connection():
                pass
            assert err.value.cause == "unavailable"  # the pool's only connection is held
    finally:
        adapter.close()
