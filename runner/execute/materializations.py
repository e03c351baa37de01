"""Materializations: named strategies (dbt's ``materialized=``) built on adapter primitives.

A strategy decides what to create, in which transaction and under which lock; the
adapter decides how its engine spells it. ``view``, ``table``, ``ephemeral`` (never built:
inlined into its dependants as a CTE), ``incremental`` (dbt's, with its
``incremental_strategy``: ``delete+insert`` by default, or ``append``) and ``temp``
(a per-invocation table private to one connection: ``--vars`` runs and API requests).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, ClassVar

from runner.adapters.base import Adapter, column_sql
from runner.compile.compiler import CompiledModel
from runner.errors import ConfigError


@dataclass(frozen=True)
class Target:
    """Where and how to build: the adapter, its open connection, the bound values."""

    adapter: Adapter
    conn: Any
    params: dict[str, Any]
    full_refresh: bool = False
    #: the caller already holds a write transaction with the model's lock (a refresh
    #: applies a chain of incremental models atomically): no BEGIN, no lock, no ANALYZE
    locked: bool = False

    def writing(self, model: str) -> AbstractContextManager[None]:
        if self.locked:
            return nullcontext()
        return self.adapter.transaction(self.conn, write_lock=model)


class Materialization(ABC):
    name: ClassVar[str]

    @abstractmethod
    def build(self, target: Target, model: CompiledModel) -> int | None:
        """Create or update the model's relation; the rows it holds (tables) or wrote
        (incremental), None where counting would cost a scan for nothing (views)."""


class View(Materialization):
    name = "view"

    def build(self, target: Target, model: CompiledModel) -> None:
        adapter, conn = target.adapter, target.conn
        with adapter.transaction(conn):
            adapter.drop_relation(conn, model.name)
            adapter.create_view_as(conn, model.name, model.sql, target.params)
        # SQLite binds views late; selecting nothing makes a bad view fail here, not later
        adapter.columns_of(conn, adapter.qualify(model.name))
        return None


class Table(Materialization):
    name = "table"

    def build(self, target: Target, model: CompiledModel) -> int:
        adapter, conn = target.adapter, target.conn
        with adapter.transaction(conn):
            adapter.drop_relation(conn, model.name)
            adapter.create_table_as(conn, model.name, model.sql, target.params)
        return adapter.count(conn, adapter.qualify(model.name))


class Ephemeral(Materialization):
    name = "ephemeral"

    def build(self, target: Target, model: CompiledModel) -> None:
        return None  # inlined into its dependants as a CTE (runner/compile/compiler.py)


class Temp(Materialization):
    name = "temp"

    def build(self, target: Target, model: CompiledModel) -> int:
        return target.adapter.create_temp_table_as(
            target.conn, model.name, model.sql, target.params
        )


class Incremental(Materialization):
    """dbt's incremental model. The first run (or ``--full-refresh``) builds the whole
    table, its indexes and planner statistics; later runs apply a batch: the rows the
    incremental SQL returns (``is_incremental()`` true). A read-only probe first skips
    the write when the batch is empty. The batch is computed and applied in one
    transaction that holds the model's write lock, so concurrent runs (API workers
    refreshing before a request) apply each batch once, in turn."""

    name = "incremental"

    def build(self, target: Target, model: CompiledModel) -> int:
        adapter, conn = target.adapter, target.conn
        strategy = model.incremental_strategy
        if strategy not in adapter.CAPABILITIES.incremental_strategies:
            raise ConfigError(
                f"incremental_strategy {strategy!r} is not available on {adapter.DIALECT}",
                model=model.name,
                path=model.path,
                hint="use one of " + ", ".join(adapter.CAPABILITIES.incremental_strategies),
            )
        exists = not target.full_refresh and adapter.relation_kind(conn, model.name) == "table"
        # nothing arrived: no write lock taken, readers and writers unaffected. A caller
        # holding the lock already (a refresh chain) skips the probe: the batch is then
        # computed once, not once to probe and once to apply (the late batch's daily
        # rollup took 7.8 s twice at 100k on PostgreSQL).
        if exists and not target.locked:
            if not adapter.has_rows(conn, model.incremental_sql, target.params):
                return 0
        if not exists:
            built = self._build_whole(target, model)
            if built is not None:
                if not target.locked:
                    adapter.analyze(conn, model.name)
                return built
        return self._apply_batch(target, model, strategy)

    def _build_whole(self, target: Target, model: CompiledModel) -> int | None:
        """The whole table and its indexes; None when a concurrent run built it first."""
        adapter, conn = target.adapter, target.conn
        with target.writing(model.name):
            if not target.full_refresh and adapter.relation_kind(conn, model.name) == "table":
                return None
            adapter.drop_relation(conn, model.name)
            adapter.create_table_as(conn, model.name, model.sql, target.params)
            for columns in model.indexes:
                adapter.create_index(conn, model.name, columns, model=True)
            return adapter.count(conn, adapter.qualify(model.name))

    def _apply_batch(self, target: Target, model: CompiledModel, strategy: str) -> int:
        """``delete+insert``: the batch's rows replace the rows with the same unique key;
        ``append``: they are added. Computed under the write lock, never from a stale
        read."""
        adapter, conn = target.adapter, target.conn
        table, batch = adapter.qualify(model.name), f"{model.name}__batch"
        with target.writing(model.name):
            written = adapter.create_temp_table_as(
                conn, batch, model.incremental_sql, target.params
            )
            staged = adapter.temp_name(batch)
            if not written:  # an empty batch changes nothing
                adapter.execute(conn, f"DROP TABLE {staged}")
                return 0
            columns = ", ".join(column_sql(c) for c in adapter.columns_of(conn, staged))
            if strategy == "delete+insert":
                key = model.unique_key  # SQL text, checked when rendered
                key = f"({key})" if "," in key else key
                adapter.execute(
                    conn, f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {staged})"
                )
            adapter.execute(conn, f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged}")
            adapter.execute(conn, f"DROP TABLE {staged}")
            return written


#: every materialization a model's config() may name, by name
STRATEGIES: dict[str, Materialization] = {
    m.name: m for m in (View(), Table(), Ephemeral(), Incremental())
}
TEMP = Temp()
