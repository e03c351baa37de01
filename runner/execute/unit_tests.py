"""Model unit tests: a model run on given rows instead of its parents.

Each input (a source or a parent model) becomes a TEMP table with the input's name in
one connection, which shadows any real relation of that name; nothing is built and
nothing is left behind. A source with a ``create_macro`` gets its real DDL (so types
are the engine's own); a parent model gets a table of the given literals, with NULL for
the columns its YAML declares and the rows leave out. In-memory SQLite by default.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from runner.adapters.base import quote
from runner.compile.columns import ColumnInference
from runner.compile.compiler import compile_project
from runner.compile.origin import locate
from runner.errors import ConfigError, DatabaseError, RunnerError
from runner.project.properties import UnitTest
from runner.render.renderer import Renderer


@dataclass(frozen=True)
class UnitResult:
    name: str
    model: str
    status: str  # PASS | FAIL | ERROR
    seconds: float
    path: str
    line: int
    diff: list[str] = field(default_factory=list)
    message: str = ""


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _input_sql(
    ws, cache: _Compiled, compiled, relation: str, rows: tuple[dict, ...], conn: Any
) -> tuple[str, bool]:
    """(statement creating the TEMP input, whether rows still need inserting)."""
    project = ws.project
    source = next((s for s in project.sources.values() if s.identifier == relation), None)
    if source is not None and source.create_macro:
        ddl = cache.renderer.call_macro(source.create_macro, project.vars, {})
        return re.sub(r"^\s*CREATE\s+TABLE", "CREATE TEMP TABLE", ddl, count=1, flags=re.I), True
    if ws.adapter.relation_kind(conn, relation) or ws.adapter.relation_kind(
        conn, relation, source=True
    ):
        # dbt's way: the input has the relation's columns and types (a column the rows
        # leave out is NULL); the relation is read before the TEMP table hides it
        return (
            f"CREATE TEMP TABLE {quote(relation)} AS SELECT * FROM {quote(relation)} WHERE 1 = 0",
            True,
        )
    props = project.properties.get(relation)
    inferred = cache.output_columns(compiled, relation)
    given = {k for r in rows for k in r}
    columns = list(dict.fromkeys([*inferred, *(props.columns if props else ()), *given]))
    if not columns:
        raise RunnerError(f"input {relation} has no rows and no declared columns")
    declared = props.types if props else {}

    def value(v: Any, column: str) -> str:
        kind = declared.get(column)
        sql_type = ws.adapter.TYPE_NAMES.get(kind, kind) if kind else None
        if sql_type is None and column not in given:
            sql_type = inferred.get(column) or None  # a NULL the rows leave out, typed
        return f"CAST({_literal(v)} AS {sql_type})" if sql_type else _literal(v)

    selects = [
        "SELECT " + ", ".join(f"{value(row.get(c), c)} AS {quote(c)}" for c in columns)
        for row in rows
    ] or [
        "SELECT " + ", ".join(f"{value(None, c)} AS {quote(c)}" for c in columns) + " WHERE 1 = 0"
    ]
    return f"CREATE TEMP TABLE {quote(relation)} AS\n" + "\nUNION ALL\n".join(selects), False


class _Compiled:
    """What a run of unit tests compiles, once each: the project per distinct ``vars``
    (most tests share none), and each compiled project's inferred output columns."""

    def __init__(self, ws, renderer: Renderer) -> None:
        self.ws, self.renderer = ws, renderer
        self._projects: dict[str, Any] = {}
        self._columns: dict[int, ColumnInference] = {}

    def project(self, vars: dict[str, Any]):
        key = json.dumps(vars, sort_keys=True, default=str)
        if key not in self._projects:
            ws = self.ws
            self._projects[key] = compile_project(
                ws.project, ws.dialect, vars, bind=True, renderer=self.renderer
            )
        return self._projects[key]

    def output_columns(self, compiled, relation: str) -> dict[str, str]:
        """A parent model's output columns, inferred through the DAG (runner/compile/
        columns.py): a column the rows leave out is NULL, as dbt fills it, so a column the
        project adds upstream (a new distinct key's flags) does not break tests that omit
        it."""
        if relation not in compiled.models:
            return {}
        if id(compiled) not in self._columns:
            self._columns[id(compiled)] = ColumnInference(compiled)
        return self._columns[id(compiled)].of([relation])[relation]


def _run_one(ws, cache: _Compiled, test: UnitTest) -> UnitResult:
    start = time.perf_counter()
    compiled = cache.project(test.vars)
    model = compiled.models[test.model]
    check_inputs(compiled, test)
    adapter = ws.adapter
    with adapter.connection() as conn, adapter.transaction(conn, rollback=True):
        for relation, rows in test.given:
            statement, insert = _input_sql(ws, cache, compiled, relation, rows, conn)
            adapter.execute(conn, statement)
            if insert and rows:
                columns = list(dict.fromkeys(k for r in rows for k in r))
                adapter.load_rows(
                    conn, relation, columns, [[r.get(c) for c in columns] for r in rows]
                )
        sql, spans = compiled.sql_reading(test.model, {relation for relation, _ in test.given})
        try:
            names, data = adapter.query(conn, sql, compiled.bind_values(model.binds))
        except DatabaseError as exc:
            raise locate(compiled, model, exc, header_lines=0, spans=spans) from exc
    got = [dict(zip(names, row)) for row in data]
    diff = compare(list(test.expect), got, test.ordered)
    status = "FAIL" if diff else "PASS"
    return UnitResult(
        test.name, test.model, status, time.perf_counter() - start, test.path, test.line, diff
    )


def model_inputs(compiled, name: str) -> set[str]:
    """The relations a model reads: its refs, seeds and source tables, and those of the
    ephemeral models inlined into it (which a test may also give rows for)."""
    sources = compiled.project.sources
    inputs: set[str] = set()
    stack = [name]
    while stack:
        model = compiled.models[stack.pop()]
        inputs |= {sources[key].identifier for key in model.sources if key in sources}
        inputs |= set(model.seeds)
        for parent in model.refs:
            inputs.add(parent)
            if compiled.models[parent].materialized == "ephemeral":
                stack.append(parent)
    return inputs


def check_inputs(compiled, test: UnitTest) -> None:
    """A given input the model never reads would be silently ignored: an error listing
    the model's real inputs instead."""
    inputs = model_inputs(compiled, test.model)
    for relation, _ in test.given:
        if relation not in inputs:
            raise ConfigError(
                f"unit test {test.name}: given input '{relation}' is not read by {test.model}",
                model=test.model,
                path=test.path,
                line=test.line,
                hint="its inputs: " + ", ".join(sorted(inputs)),
            )


def _comparable(value: Any) -> Any:
    """An instant from the database as the canonical UTC text YAML expectations use
    ('YYYY-MM-DD HH:MM:SS.ffffff', what SQLite stores), so one test serves both engines."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _as_actual(value: Any, sample: Any) -> Any:
    """An expected literal read as the model's column type (dbt casts the expected rows
    to the actual columns' types): 1 for a text column is '1', '2016-09-01' for a
    timestamp column is that midnight."""
    if value is None or sample is None:
        return _comparable(value)
    if isinstance(sample, datetime) and isinstance(value, str):
        try:
            return _comparable(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(sample, str) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _comparable(value)


def compare(expected: list[dict], got: list[dict], ordered: bool) -> list[str]:
    """A readable diff of expected vs actual rows, on the expected rows' columns."""
    columns = list(dict.fromkeys(k for r in expected for k in r)) or (list(got[0]) if got else [])
    project = [{c: _comparable(row.get(c)) for c in columns} for row in got]
    samples = {c: next((r[c] for r in got if r.get(c) is not None), None) for c in columns}
    want = [{c: _as_actual(row.get(c), samples[c]) for c in columns} for row in expected]
    if not ordered:
        project, want = sorted(project, key=repr), sorted(want, key=repr)
    if project == want:
        return []
    lines = []
    for row in want:
        if row not in project:
            lines.append(f"- expected {row}")
    for row in project:
        if row not in want:
            lines.append(f"+ got      {row}")
    if not lines:
        lines.append(f"rows in another order: expected {want}, got {project}")
    return lines


def run_unit_tests(ws, selectors: list[str] | None) -> list[UnitResult]:
    renderer = Renderer(ws.project, ws.dialect, query=ws.query)
    cache = _Compiled(ws, renderer)
    selected = set(cache.project({}).graph.select(selectors))
    results = []
    for test in sorted(ws.project.unit_tests.values(), key=lambda t: t.name):
        if test.model not in selected:
            continue
        try:
            results.append(_run_one(ws, cache, test))
        except RunnerError as exc:
            if isinstance(exc, DatabaseError) and exc.unavailable:
                raise  # the database, not the test: every other test would say the same
            results.append(
                UnitResult(
                    test.name, test.model, "ERROR", 0.0, test.path, test.line, message=exc.format()
                )
            )
    return results
