"""Generic tests as dbt's YAML writes them, and as set queries an engine can plan well."""

from __future__ import annotations

import sqlite3

import pytest

from runner.errors import ConfigError
from runner.execute.data_tests import generic_sql
from runner.project.generic_tests import parse_test


def test_arguments_and_config_are_read_like_dbt_1_10():
    test = parse_test(
        {
            "relationships": {
                "arguments": {"to": "ref('customers')", "field": "id"},
                "config": {"where": "id > 1", "severity": "warn"},
            }
        },
        "orders",
        "customer_id",
        "models/x.yml",
        3,
    )
    assert (test.args["to"], test.args["field"], test.where, test.severity) == (
        "customers",
        "id",
        "id > 1",
        "warn",
    )


def test_arguments_beside_config_are_read_like_older_dbt():
    test = parse_test(
        {"accepted_values": {"values": ["a"], "where": "x"}}, "m", "c", "models/x.yml", 3
    )
    assert (test.args, test.where) == ({"values": ["a"]}, "x")


def test_relationships_to_a_source():
    test = parse_test(
        {"relationships": {"to": "source('shop', 'items')", "field": "id"}}, "m", "c", "x.yml", 1
    )
    assert test.args["to_source"] == ("shop", "items")


def test_an_unknown_argument_is_an_error_at_its_line():
    with pytest.raises(ConfigError, match="unknown argument 'feild'") as info:
        parse_test({"relationships": {"to": "m", "feild": "id"}}, "m", "c", "x.yml", 7)
    assert info.value.line == 7


def test_an_unsupported_test_config_is_an_error():
    with pytest.raises(ConfigError, match="test config 'store_failures' is not supported"):
        parse_test({"unique": {"config": {"store_failures": True}}}, "m", "c", "x.yml", 1)


@pytest.mark.parametrize("kind", ["relationships", "unique", "accepted_values"])
def test_generic_tests_are_set_queries_without_correlated_subqueries(kind):
    """A subquery per row made a relationships test on 100k rows take minutes on SQLite."""
    args = {"relationships": {"to": "parent", "field": "id"}, "accepted_values": {"values": [1]}}
    test = parse_test({kind: args.get(kind, {})}, "child", "parent_id", "x.yml", 1)
    conn = sqlite3.connect(":memory:")
    conn.execute("create table child (id integer, parent_id integer)")
    conn.execute("create table parent (id integer)")
    plan = conn.execute(f"EXPLAIN QUERY PLAN {generic_sql(test)}").fetchall()
    assert not [row for row in plan if "CORRELATED" in row[-1]]
