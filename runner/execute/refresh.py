"""Bringing incremental models up to date: the only writes a query's caller makes.

Incremental models are shared state (what arrived since their last run), so bringing
them up to date is separate from querying: a request calls ``refresh`` and then
``runner.execute.reading.query_models``, which never writes; a scheduler can call ``refresh`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from runner.adapters.base import Adapter
from runner.compile.compiler import CompiledModel, CompiledProject
from runner.compile.origin import locate
from runner.errors import DatabaseError
from runner.execute.build import NodeResult, build_model, executable


def incremental_ancestors(compiled: CompiledProject, outputs: Iterable[str]) -> list[str]:
    """The incremental models ``outputs`` read from, themselves included, in DAG order."""
    outputs = list(outputs)
    needed = set(outputs).union(*(compiled.graph.ancestors(o) for o in outputs))
    return [m.name for m in executable(compiled, needed) if m.materialized == "incremental"]


def refresh(
    adapter: Adapter, conn: Any, compiled: CompiledProject, outputs: Iterable[str]
) -> list[NodeResult]:
    """Apply what arrived to every incremental model ``outputs`` depend on, as one chain:
    one write transaction holding every model's lock (in DAG order), so a reader sees
    the chain before or after a batch, never half way, and a model downstream always
    applies the batch its parent just wrote. When nothing arrived anywhere (a read-only
    probe per model), no lock is taken. A failure rolls the chain back and raises,
    located at the model's template line."""
    models = [compiled.models[n] for n in incremental_ancestors(compiled, outputs)]
    if not models or not any(_pending(adapter, conn, compiled, m) for m in models):
        return []
    missing = [m.name for m in models if adapter.relation_kind(conn, m.name) != "table"]
    results = []
    with adapter.transaction(conn, write_lock=[m.name for m in models]):
        for model in models:
            result = build_model(adapter, conn, compiled, model, "incremental", locked=True)
            if result.error is not None:
                raise result.error
            results.append(result)
    for name in missing:  # built whole: planner statistics, outside the transaction
        adapter.analyze(conn, name)
    return results


def _pending(adapter: Adapter, conn: Any, compiled: CompiledProject, model: CompiledModel) -> bool:
    """Whether the model is missing or its batch holds rows (read only: no lock)."""
    if adapter.relation_kind(conn, model.name) != "table":
        return True
    return _waiting(adapter, conn, compiled, model) > 0


def _waiting(adapter: Adapter, conn: Any, compiled: CompiledProject, model: CompiledModel) -> int:
    """Rows the model's next run applies (read only), its errors located."""
    sql = f"SELECT COUNT(*) FROM (\n{model.incremental_sql}\n) AS batch"
    try:
        return int(adapter.query(conn, sql, compiled.bind_values(model.binds))[1][0][0])
    except DatabaseError as exc:
        raise locate(compiled, model, exc, 1, model.incremental_spans) from exc


@dataclass(frozen=True)
class Behind:
    """An incremental model that is not up to date: not built (``rows`` None), or with
    ``rows`` rows waiting in its sources for its next run."""

    model: str
    rows: int | None


def staleness(
    adapter: Adapter, conn: Any, compiled: CompiledProject, outputs: Iterable[str]
) -> list[Behind]:
    """The incremental models ``outputs`` read (themselves included) that are behind,
    read only: what a reader that does not refresh (``runner show``) must say it read.
    A model downstream of one that is behind is behind too, without rows of its own
    waiting yet (its parent's run makes them), so only the first of a chain is counted."""
    found: list[Behind] = []
    for name in incremental_ancestors(compiled, outputs):
        model = compiled.models[name]
        if compiled.graph.ancestors(name) & {b.model for b in found}:
            continue
        if adapter.relation_kind(conn, name) != "table":
            found.append(Behind(name, None))
            continue
        waiting = _waiting(adapter, conn, compiled, model)
        if waiting:
            found.append(Behind(name, waiting))
    return found
