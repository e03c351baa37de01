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
        error = locate(model, exc, header_lines=1)
        return NodeResult(model.name, kind, "ERROR", None, time.perf_counter() - start, error)
    return NodeResult(model.name, kind, "OK", rows, time.perf_counter() - start)


def _own_line(model: CompiledModel, sql_line: int) -> int | None:
    """The line of the model's rendered SQL that line ``sql_line`` of what ran holds.

    What runs is the rendered SQL, or it with the ephemeral parents' CTEs put in front
    (runner/compile/compiler.py ``_with_ctes``: before it, or merged after its WITH on line 1):
    either way everything after the rendered first line ends what ran, verbatim, so the
    line offset is the difference in line counts. Transpiled SQL has no such mapping
    (None: the caller falls back to the identifier the message names)."""
    if model.sql == model.rendered:
        return max(1, sql_line)
    offset = model.sql.count("\n") - model.rendered.count("\n")
    tail = model.rendered.split("\n", 1)[1] if "\n" in model.rendered else model.rendered
    if offset < 0 or not model.sql.endswith(tail) or sql_line - offset < 1:
        return None
    return sql_line - offset


def locate(model: CompiledModel, error: DatabaseError, header_lines: int) -> DatabaseError:
    """The database error pointed at the model's template line (the driver's message
    kept): by the statement position the driver gave (``header_lines`` lines of CREATE
    precede the model's SQL), else by the identifier the message names."""
    lines = model.line_map()
    line = None
    own = _own_line(model, error.sql_line - header_lines) if error.sql_line else None
    if own is not None:
        line = lines.template_line(own)
    if line is None and error.token:
        line = lines.line_of_token(error.token)
    return error.located(
        model=model.name, path=model.path, line=line, snippet=lines.text(line) if line else None
    )
