"""Bringing incremental models up to date: the only writes a query's caller makes.

Incremental models are shared state (what arrived since their last run), so bringing
them up to date is separate from querying: a request calls ``refresh`` and then
``runner.query.query_models``, which never writes; a scheduler can call ``refresh`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runner.adapters.base import Adapter
from runner.compile import CompiledProject
from runner.execute import NodeResult, build_model, executable


def incremental_ancestors(compiled: CompiledProject, outputs: Iterable[str]) -> list[str]:
    """The incremental models ``outputs`` read from, themselves included, in DAG order."""
    outputs = list(outputs)
    needed = set(outputs).union(*(compiled.graph.ancestors(o) for o in outputs))
    return [m.name for m in executable(compiled, needed) if m.materialized == "incremental"]


def refresh(
    adapter: Adapter, conn: Any, compiled: CompiledProject, outputs: Iterable[str]
) -> list[NodeResult]:
    """Apply what arrived to every incremental model ``outputs`` depend on, in order;
    each batch is its own short write transaction. A failure raises (located)."""
    results = []
    for name in incremental_ancestors(compiled, outputs):
        result = build_model(adapter, conn, compiled, compiled.models[name], "incremental")
        if result.error is not None:
            raise result.error
        results.append(result)
    return results
