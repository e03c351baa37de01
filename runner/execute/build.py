"""Building models in DAG order: persistent runs and per-invocation temporary runs.

One rule for errors: a failing model is reported with its template path and line, and
its descendants are skipped, not attempted. What each materialization does is
runner/execute/materializations.py; reading results without building is runner/execute/reading.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from runner.adapters.base import Adapter
from runner.compile.compiler import CompiledModel, CompiledProject
from runner.compile.origin import locate
from runner.errors import DatabaseError, RunnerError
from runner.execute.materializations import STRATEGIES, TEMP, Target


@dataclass(frozen=True)
class NodeResult:
    name: str
    materialized: str
    status: str  # OK | ERROR | SKIPPED
    rows: int | None
    seconds: float
    error: RunnerError | None = None


def executable(compiled: CompiledProject, names: Iterable[str]) -> list[CompiledModel]:
    """The models among ``names`` that are built (not ephemeral), in DAG order."""
    chosen = set(names)
    return [
        compiled.models[n]
        for n in compiled.graph.order
        if n in chosen and compiled.models[n].materialized != "ephemeral"
    ]


def run_models(
    adapter: Adapter,
    conn: Any,
    compiled: CompiledProject,
    names: Iterable[str],
    *,
    temp: bool = False,
    on_result: Callable[[int, int, NodeResult], None] | None = None,
    after: Callable[[NodeResult], bool] | None = None,
    full_refresh: bool = False,
) -> list[NodeResult]:
    """Build the models in DAG order; ``temp`` makes every relation private to ``conn``,
    except incremental models, which are shared state and always persistent.

    ``after`` runs once a model is built (``runner build`` tests it there); when it
    returns False the model's descendants are skipped as if the model had failed.
    """
    nodes = executable(compiled, names)
    results: list[NodeResult] = []
    broken: set[str] = set()
    for index, model in enumerate(nodes, start=1):
        kind = "temp" if temp and model.materialized != "incremental" else model.materialized
        if compiled.graph.ancestors(model.name) & broken:
            result = NodeResult(model.name, kind, "SKIPPED", None, 0.0)
        else:
            result = build_model(adapter, conn, compiled, model, kind, full_refresh)
        if result.status != "OK":
            broken.add(model.name)
        results.append(result)
        if on_result:
            on_result(index, len(nodes), result)
        if after and result.status == "OK" and not after(result):
            broken.add(model.name)
    return results


def build_model(
    adapter: Adapter,
    conn: Any,
    compiled: CompiledProject,
    model: CompiledModel,
    kind: str,
    full_refresh: bool = False,
    locked: bool = False,
) -> NodeResult:
    """Build one model with the named materialization; a database error becomes an
    ERROR result located at the model's template line. ``locked``: the caller holds the
    write transaction (runner/execute/refresh.py)."""
    start = time.perf_counter()
    strategy = TEMP if kind == "temp" else STRATEGIES[kind]
    target = Target(adapter, conn, compiled.bind_values(model.binds), full_refresh, locked)
    try:
        rows = strategy.build(target, model)
    except DatabaseError as exc:
        error = locate(compiled, model, exc, header_lines=1)
        return NodeResult(model.name, kind, "ERROR", None, time.perf_counter() - start, error)
    return NodeResult(model.name, kind, "OK", rows, time.perf_counter() - start)
