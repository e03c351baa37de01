"""The runner as a library: what the commands that touch a database do, without
printing or exiting. The CLI (runner/cli.py) is a thin shell over these functions; an
application and the tests call them too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from runner.compile.compiler import CompiledProject
from runner.errors import DatabaseError, ParamError, closest
from runner.execute.build import NodeResult, run_models
from runner.execute.data_tests import collect, run_tests
from runner.execute.refresh import incremental_ancestors
from runner.execute.seed_state import SeedState, file_checksum
from runner.execute.seeds import SeedResult, load_seed, seed_enabled
from runner.project.loader import SeedConfig
from runner.render.renderer import Renderer
from runner.tasks.artifacts import write_artifacts
from runner.workspace import Workspace


def seed(
    ws: Workspace,
    names: list[str] | None = None,
    on_result: Callable[[SeedResult], None] | None = None,
    vars: dict[str, Any] | None = None,
) -> list[SeedResult]:
    """Load every seed (or the named ones); a source's seed gets the source's DDL and
    indexes. A seed whose ``+enabled`` is Jinja is decided with ``vars``."""
    seeds = {n: s for n, s in ws.project.seeds.items() if seed_enabled(ws.project, s, vars)}
    unknown = sorted(set(names or ()) - set(seeds))
    if unknown:
        raise ParamError(
            f"no seed named '{unknown[0]}'",
            hint=closest(unknown[0], seeds) or "seeds are seeds/*.csv",
        )
    renderer = Renderer(ws.project, ws.dialect, query=ws.query)
    results = []
    with ws.adapter.connection() as conn:
        ws.adapter.prepare_sources(conn)
        ws.adapter.prepare_schema(conn)
        state = SeedState(ws.adapter, conn)
        for name in sorted(names or seeds):
            config = seeds[name]
            checksum, rows_before = file_checksum(config.path), state.rows_now(config.table)
            result = _load_one(ws, conn, renderer, config)
            if not state.unchanged(name, checksum, rows_before):
                result = replace(result, dropped=drop_incremental(ws, conn, [config]))
            state.record(name, checksum, result.rows)
            results.append(result)
            if on_result:
                on_result(result)
    return results


def _load_one(ws: Workspace, conn: Any, renderer: Renderer, config: SeedConfig) -> SeedResult:
    """One seed, created where the sources live, with its source's DDL and indexes."""
    ddl = None
    if config.source and config.source.create_macro:
        ddl = renderer.call_macro(config.source.create_macro, ws.project.vars, {})
    with ws.adapter.source_scope(conn), ws.adapter.seed_schema(conn, config.schema):
        result = load_seed(ws.adapter, conn, config, ws.project.root, ddl)
        if config.source:
            for columns in config.source.indexes:
                ws.adapter.create_index(conn, config.table, columns)
    return result


def drop_incremental(
    ws: Workspace, conn: Any, changed: list[SeedConfig] | None = None
) -> tuple[str, ...]:
    """Reloaded seeds whose rows changed invalidate what incremental models downstream
    of them kept (a watermark such as the source's last id): drop those, so the next run
    builds them whole (``run`` and ``build`` rebuild them, and what reads them, when a
    selected model needs them: ``with_unbuilt``). Unchanged seeds keep their incremental
    state (runner/execute/seed_state.py). ``changed=None``: a source was replaced some
    other way, drop every incremental model. Returns the ones that existed."""
    if changed == []:
        return ()
    compiled = ws.compile(bind=False)
    readers = set(compiled.models) if changed is None else set()
    for name, model in compiled.models.items():
        if any(_reads_seed(ws, model, seed) for seed in changed or ()):
            readers |= {name} | compiled.graph.descendants(name)
    dropped = []
    for name in compiled.graph.order:
        if name in readers and compiled.models[name].materialized == "incremental":
            if ws.adapter.relation_kind(conn, name) is not None:
                ws.adapter.drop_relation(conn, name)
                dropped.append(name)
    return tuple(dropped)


def with_unbuilt(
    ws: Workspace, conn: Any, compiled: CompiledProject, names: list[str]
) -> tuple[list[str], str | None]:
    """``names`` and what must be built with them, and a note saying why (None when
    nothing is added). An incremental model the selection reads that is not built
    (dropped when its seed changed, or never built) would leave the models between it
    and the selection stale, or failing: it is built first, with every model on the way
    from it to the selection."""
    missing = [
        m
        for m in incremental_ancestors(compiled, names)
        if m not in names and ws.adapter.relation_kind(conn, m) != "table"
    ]
    if not missing:
        return names, None
    upstream = set(names).union(*(compiled.graph.ancestors(n) for n in names))
    extra = set(missing).union(*(compiled.graph.descendants(m) & upstream for m in missing))
    order = [n for n in compiled.graph.order if n in extra or n in names]
    added = [n for n in order if n not in names and compiled.models[n].materialized != "ephemeral"]
    note = (
        f"also building {', '.join(added)}: the selection reads {', '.join(missing)} "
        "(incremental), not built (dropped when its seed changed, or never built), and "
        "what reads it on the way would be stale"
    )
    return order, note


def _reads_seed(ws: Workspace, model: Any, seed: SeedConfig) -> bool:
    """A model reads a seed by ref, or through a source whose table is the seed's."""
    sources = ws.project.sources
    tables = {sources[key].identifier for key in model.sources if key in sources}
    return seed.name in model.refs or seed.table in tables


def ensure_source_indexes(ws: Workspace, conn: Any) -> list[str]:
    """Create the indexes project.yml declares on sources (the project may add indexes).

    An index is an optimisation: a role that may only read the source (the API's role,
    see deploy/postgres-roles.sql) gets a warning back, not a failed run.
    """
    warnings = []
    for source in ws.project.sources.values():
        if (
            source.indexes
            and ws.adapter.relation_kind(conn, source.identifier, source=True) == "table"
        ):
            for columns in source.indexes:
                try:
                    ws.adapter.create_index(conn, source.identifier, columns)
                except DatabaseError as exc:
                    warnings.append(
                        f"index on {source.identifier}({', '.join(columns)}): {exc.message}"
                    )
    return warnings


def run(
    ws: Workspace,
    selectors: list[str] | None,
    vars: dict[str, Any] | None,
    on_result: Callable[[int, int, NodeResult], None] | None = None,
    temp: bool = False,
    full_refresh: bool = False,
    on_note: Callable[[str], None] | None = None,
) -> list[NodeResult]:
    """Build the selected models, persistent like dbt's run whatever the vars (one rule
    for ``run`` and ``build``: --vars changes what is computed, never where it goes).

    ``temp``: every relation a temporary table private to this connection, a what-if
    run that leaves the database as it was (``runner run --temp``). Incremental models
    are always persistent; ``full_refresh`` rebuilds them whole. An incremental model
    the selection reads that is not built is built too (``with_unbuilt``, said through
    ``on_note``).
    """
    compiled = ws.compile(vars, bind=temp)
    with ws.adapter.connection() as conn:
        ws.adapter.prepare_schema(conn)  # incremental models persist even in a temp run
        names = _selection(ws, conn, compiled, selectors, on_note)
        if not temp:
            ws.adapter.prepare_sources(conn)
            ensure_source_indexes(ws, conn)
        results = run_models(
            ws.adapter,
            conn,
            compiled,
            names,
            temp=temp,
            on_result=on_result,
            full_refresh=full_refresh,
        )
    write_artifacts(compiled, results, "run")
    return results


def data_tests(ws: Workspace, selectors: list[str] | None, vars: dict[str, Any] | None = None):
    """Run the data tests of the selected models against the relations a run built."""
    compiled = ws.compile(vars, bind=False)
    cases = collect(
        compiled,
        compiled.graph.select(selectors),
        vars or {},
        Renderer(ws.project, ws.dialect, query=ws.query),
    )
    with ws.adapter.connection() as conn:
        results = run_tests(ws.adapter, conn, cases)
    write_artifacts(compiled, results, "test")
    return results


def build(
    ws: Workspace,
    selectors: list[str] | None,
    vars: dict[str, Any] | None = None,
    on_seed: Callable[[SeedResult], None] | None = None,
    on_result: Callable[[Any], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    on_model: Callable[[int, int, NodeResult], None] | None = None,
) -> list:
    """Seeds, then each selected model followed by its data tests, in DAG order.

    A model that fails, or whose tests fail, stops its descendants: they are reported
    as SKIPPED. A singular test runs after the last of the models it refs. An
    incremental model the selection reads that is not built (its seed changed) is built
    too, with what reads it on the way (``with_unbuilt``, said through ``on_note``).
    ``on_result`` hears every result; ``on_model`` a model's with its ``[i/n]``.
    """
    seed(ws, on_result=on_seed, vars=vars)
    compiled, names, by_model = _build_plan(ws, selectors, vars, on_note)
    results: list = []

    def report(result, counter: tuple[int, int] | None = None) -> None:
        results.append(result)
        if counter and on_model:
            on_model(*counter, result)
        if on_result:
            on_result(result)

    with ws.adapter.connection() as conn:
        ws.adapter.prepare_schema(conn)

        def test_model(node: NodeResult) -> bool:
            tested = run_tests(ws.adapter, conn, by_model.get(node.name, []))
            for r in tested:
                report(r)
            return all(r.status in ("PASS", "WARN") for r in tested)

        run_models(
            ws.adapter,
            conn,
            compiled,
            names,
            on_result=lambda i, n, r: report(r, (i, n)),
            after=test_model,
        )
    write_artifacts(compiled, results, "build")
    return results


def _selection(
    ws: Workspace,
    conn: Any,
    compiled: CompiledProject,
    selectors: list[str] | None,
    on_note: Callable[[str], None] | None,
) -> list[str]:
    """The selected models and what must be built with them (``with_unbuilt``)."""
    names, note = with_unbuilt(ws, conn, compiled, compiled.graph.select(selectors))
    if note and on_note:
        on_note(note)
    return names


def _build_plan(
    ws: Workspace,
    selectors: list[str] | None,
    vars: dict[str, Any] | None,
    on_note: Callable[[str], None] | None,
) -> tuple[CompiledProject, list[str], dict[str, list]]:
    """What ``build`` builds, once the seeds are loaded: the project compiled, the models
    (``_selection``) and the data tests to run after each."""
    compiled = ws.compile(vars, bind=False)
    with ws.adapter.connection() as conn:
        names = _selection(ws, conn, compiled, selectors, on_note)
    cases = collect(compiled, names, vars or {}, Renderer(ws.project, ws.dialect, query=ws.query))
    return compiled, names, _tests_by_model(compiled, names, cases)


def _tests_by_model(compiled: CompiledProject, names: list[str], cases: list) -> dict[str, list]:
    """Each test under the model it runs after: the last built model it reads."""
    built = [n for n in names if compiled.models[n].materialized != "ephemeral"]
    order = {n: i for i, n in enumerate(compiled.graph.order)}
    by_model: dict[str, list] = {}
    for case in cases:
        readable = [m for m in case.models if m in built] or built[-1:]
        by_model.setdefault(max(readable, key=order.__getitem__), []).append(case)
    return by_model
