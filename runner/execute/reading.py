"""Reading output models for one set of params, without writing anything.

The intermediate models become temporary tables private to the connection, inside the
adapter's scratch (a transaction that rolls back, or on SQLite statements that each read
their own snapshot and temporary tables dropped at the end), so concurrent callers with
other params never meet and nothing is left behind. Incremental ancestors are read as they
are: bring them up to date first with ``runner.execute.refresh.refresh``.

Every kind of model can be an output: a view or table is computed from its SQL, an
ephemeral model too (its SQL is a query like any other), and an incremental model is
read as it is persisted (its SQL, run alone, would recompute it whole from its sources,
which is not what it holds; ``runner.execute.refresh.staleness`` says how far behind),
unless the caller names it in ``compute``: one not built yet is computed whole, as its
first run would build it, into a temporary table like any other parent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runner.adapters.base import Adapter
from runner.compile.compiler import CompiledModel, CompiledProject
from runner.compile.origin import locate
from runner.errors import DatabaseError
from runner.execute.build import executable
from runner.project.params import ParamValues


def query_models(
    adapter: Adapter,
    conn: Any,
    compiled: CompiledProject,
    outputs: Iterable[str],
    params: ParamValues | dict[str, Any] | None = None,
    limit: int | None = None,
    compute: Iterable[str] = (),
) -> dict[str, list[dict[str, Any]]]:
    """Rows of each output model (at most ``limit`` each). ``params`` overrides the
    bound values the project was compiled with: ``ParamValues`` are already validated
    (``ParamSet.resolve``) and used as they are; a plain mapping is validated here (a
    choice param is part of the compiled SQL and cannot be overridden here).
    ``compute``: incremental models to compute whole rather than read as persisted."""
    values = {**compiled.params, **_bound(compiled, params)}
    outputs, compute = list(outputs), set(compute)
    nodes = _computed(compiled, outputs, compute)
    # read by another node, directly or through an inlined ephemeral model
    parents = set().union(*(compiled.graph.ancestors(o) for o in outputs))
    parents |= {p for m in nodes for p in m.refs}
    # outputs no node builds: ephemeral ones (a query) and incremental ones (persisted)
    built = {m.name for m in nodes}
    others = [compiled.models[o] for o in outputs if o not in built]
    results: dict[str, list[dict[str, Any]]] = {}
    with adapter.scratch(conn):
        for model in [*nodes, *others]:
            bound = {name: values[name] for name in model.binds}
            try:
                if model.name in built and model.name in parents:
                    adapter.create_temp_table_as(conn, model.name, model.sql, bound)
                if model.name in outputs:
                    sql = _output_sql(adapter, model, model.name in parents, compute)
                    if limit is not None:
                        sql = f"SELECT * FROM (\n{sql}\n) AS limited LIMIT {int(limit)}"
                    columns, rows = adapter.query(conn, sql, bound)
                    results[model.name] = [dict(zip(columns, row)) for row in rows]
            except DatabaseError as exc:
                header = _header(model.name, parents, limit)
                raise locate(compiled, model, exc, header_lines=header) from exc
    return results


def _computed(
    compiled: CompiledProject, outputs: list[str], compute: set[str]
) -> list[CompiledModel]:
    """The models computed for the outputs, in DAG order: every built ancestor but the
    incremental ones (read as persisted), unless ``compute`` names them."""
    needed = set(outputs).union(*(compiled.graph.ancestors(o) for o in outputs))
    return [
        m
        for m in executable(compiled, needed)
        if m.materialized != "incremental" or m.name in compute
    ]


def _output_sql(adapter: Adapter, model: CompiledModel, built: bool, compute: set[str]) -> str:
    """What reads an output: the temporary table just built from it, the persisted
    table of an incremental model, else the model's own SQL."""
    if model.materialized == "incremental" and model.name not in compute:
        return f"SELECT * FROM {adapter.qualify(model.name)}"
    return f"SELECT * FROM {model.name}" if built else model.sql


def _bound(compiled: CompiledProject, params: ParamValues | dict[str, Any] | None) -> dict:
    if not isinstance(params, ParamValues):
        return compiled.bound_params(params or {})
    differ = {n: v for n, v in params.choices().items() if compiled.params.get(n) != v}
    if differ:  # a caller's bug: the SQL was compiled for other choices
        raise ValueError(f"compiled for {compiled.params}, asked for {differ}")
    return params.bound()


def _header(name: str, parents: set[str], limit: int | None) -> int:
    """Lines that precede the model's SQL in what ran: a CREATE, or the LIMIT wrapper."""
    return 1 if name in parents or limit is not None else 0
