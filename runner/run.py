"""Executing compiled models: persistent runs, per-invocation temporary runs, queries.

Three ways to execute, one rule for errors: a failing model is reported with its
template path and line, and its descendants are skipped, not attempted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from runner.adapters.base import Adapter
from runner.compile import CompiledModel, CompiledProject
from runner.errors import DatabaseError, RunnerError

TOKEN_PATTERNS = (
    r"no such (?:column|table|function): ([\w.]+)",
    r'column "?([\w.]+)"? does not exist',
    r'relation "([\w.]+)" does not exist',
    r"function ([\w.]+)\(",
    r'near "([^"]+)"',
    r"ambiguous column name: ([\w.]+)",
)


@dataclass(frozen=True)
class NodeResult:
    name: str
    materialized: str
    status: str  # OK | ERROR | SKIPPED
    rows: int | None
    seconds: float
    error: RunnerError | None = None


def executable(compiled: CompiledProject, names: Iterable[str]) -> list[CompiledModel]:
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
            broken.add(model.name)
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
    adapter, conn, compiled, model: CompiledModel, kind: str, full_refresh: bool = False
) -> NodeResult:
    start = time.perf_counter()
    params = compiled.bind_values(model.binds)
    try:
        if kind == "incremental":
            rows = adapter.materialize_incremental(conn, model, params, full_refresh)
        elif kind == "temp":
            rows = adapter.create_temp(conn, model.name, model.sql, params)
        else:
            rows = adapter.materialize(conn, model.name, model.sql, kind, params)
    except DatabaseError as exc:
        error = locate(model, exc, header_lines=1)
        return NodeResult(model.name, kind, "ERROR", None, time.perf_counter() - start, error)
    return NodeResult(model.name, kind, "OK", rows, time.perf_counter() - start)


def query_models(
    adapter: Adapter,
    conn: Any,
    compiled: CompiledProject,
    outputs: Iterable[str],
    params: dict[str, Any] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Rows of each output model, computed inside one transaction on ``conn``.

    Intermediate models become temporary tables private to this connection and are
    rolled back at the end, so concurrent callers with other params never meet.
    Incremental ancestors are brought up to date first, each in its own short write
    transaction (they are shared state: the events added since the last run).
    ``params`` overrides the bound values the project was compiled with; each is
    validated by its param's spec first (a choice param is part of the compiled SQL and
    cannot be overridden here).
    """
    values = {**compiled.params, **compiled.bound_params(params or {})}
    outputs = list(outputs)
    needed = set(outputs).union(*(compiled.graph.ancestors(o) for o in outputs))
    nodes = executable(compiled, needed)
    for model in [m for m in nodes if m.materialized == "incremental"]:
        try:
            adapter.materialize_incremental(conn, model, {n: values[n] for n in model.binds})
        except DatabaseError as exc:
            raise locate(model, exc, header_lines=1) from exc
    nodes = [m for m in nodes if m.materialized != "incremental"]
    parents = {p for m in nodes for p in m.refs}
    results: dict[str, list[dict[str, Any]]] = {}
    adapter.execute(conn, "BEGIN")
    try:
        for model in nodes:
            bound = {name: values[name] for name in model.binds}
            try:
                if model.name in parents:
                    adapter.create_temp(conn, model.name, model.sql, bound)
                if model.name in outputs:
                    sql = model.sql if model.name not in parents else f"SELECT * FROM {model.name}"
                    columns, rows = adapter.query(conn, sql, bound)
                    results[model.name] = [dict(zip(columns, row)) for row in rows]
            except DatabaseError as exc:
                raise locate(model, exc, header_lines=1 if model.name in parents else 0) from exc
    finally:
        if adapter.in_transaction(conn):
            adapter.execute(conn, "ROLLBACK")
    return results


def locate(model: CompiledModel, error: DatabaseError, header_lines: int) -> DatabaseError:
    """The database error pointed at the model's template line (the driver's message kept)."""
    lines = model.line_map()
    line = None
    if error.sql_line and model.sql == model.rendered:
        line = lines.template_line(max(1, error.sql_line - header_lines))
    if line is None:
        for pattern in TOKEN_PATTERNS:
            match = re.search(pattern, error.message)
            if match:
                line = lines.line_of_token(match.group(1).split(".")[-1])
                if line:
                    break
    return error.located(
        model=model.name, path=model.path, line=line, snippet=lines.text(line) if line else None
    )
