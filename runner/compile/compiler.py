"""Compiling a project: render every model, build the DAG, check the SQL, inline ephemerals.

A compiled project is immutable and depends only on the project files, the target
dialect and the vars that reach SQL text; bound params (timestamps) are not part of
it, so the API compiles once per ``mode`` and reuses the result for every request.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

import sqlglot
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from runner.adapters import adapter_class
from runner.compile.graph import Graph
from runner.errors import CompileError, ParamError
from runner.project.loader import Project
from runner.project.params import ParamValues, resolve_params
from runner.render.lines import LineMap
from runner.render.renderer import RenderedModel, Renderer


@dataclass(frozen=True)
class Span:
    """Lines ``first``..``last`` of what runs hold ``model``'s own SQL from its line
    ``line`` on: the layout ``_with_ctes`` makes (each ephemeral parent's body, then the
    model's own SQL), so an error's line is traced back to the model it came from."""

    first: int
    last: int
    model: str
    line: int = 1
    #: the lines are the model's rendered SQL's (not transpiled, not its incremental
    #: rendering), so they map to template lines through its LineMap
    exact: bool = True

    def origin(self, sql_line: int) -> int | None:
        """The model's own line that line ``sql_line`` of what ran holds, if in here."""
        return self.line + sql_line - self.first if self.first <= sql_line <= self.last else None


@dataclass(frozen=True)
class CompiledModel:
    name: str
    path: str
    materialized: str
    tags: tuple[str, ...]
    refs: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    binds: tuple[str, ...]
    rendered: str  # the model's own SQL, after Jinja
    sql: str  # what is executed: transpiled if needed, ephemeral parents inlined as CTEs
    template: str
    #: incremental models: what a run on an existing table executes, and how it applies
    incremental_sql: str | None = None
    unique_key: str | None = None
    indexes: tuple[tuple[str, ...], ...] = ()
    incremental_strategy: str = "delete+insert"
    seeds: tuple[str, ...] = ()  # the seed tables it ref()s
    checked_sql: str = ""  # the model's own SQL after parsing/transpiling, before CTEs
    #: where each line of ``sql`` (and of ``incremental_sql``) comes from
    spans: tuple[Span, ...] = ()
    incremental_spans: tuple[Span, ...] = ()

    def line_map(self) -> LineMap:
        return LineMap(self.template, self.rendered)


@dataclass(frozen=True)
class CompiledProject:
    project: Project
    dialect: str
    models: dict[str, CompiledModel]
    graph: Graph
    params: dict[str, Any]
    macros: dict[str, str]  # macro name -> the file defining it

    def bound_params(self, given: dict[str, Any]) -> dict[str, Any]:
        """Validated values for bound params given at query time."""
        specs = self.project.params
        for name in given:
            if name not in specs or specs[name].type == "choice":
                raise ParamError(
                    f"'{name}' is not a param that can be bound at query time",
                    param=name,
                    hint="bound params are the timestamp and integer params of project.yml",
                )
        return {name: specs[name].validate(value) for name, value in given.items()}

    def bind_values(self, names: tuple[str, ...] | set[str]) -> dict[str, Any]:
        return {name: self.params[name] for name in names}

    def sql_reading(self, name: str, relations: set[str]) -> tuple[str, tuple[Span, ...]]:
        """The model's SQL (and its layout) with the ephemeral parents in ``relations``
        read from relations of that name instead of inlined (a unit test gives them as
        rows)."""
        model = self.models[name]
        if not any(
            self.models[r].materialized == "ephemeral" for r in model.refs if r in relations
        ):
            return model.sql, model.spans
        found: set[str] = set()
        stack = [p for p in model.refs if p not in relations]
        while stack:
            parent = stack.pop()
            if parent not in found and self.models[parent].materialized == "ephemeral":
                found.add(parent)
                stack.extend(p for p in self.models[parent].refs if p not in relations)
        ctes = [(n, self.models[n].rendered) for n in self.graph.order if n in found]
        return _with_ctes((name, model.rendered), ctes, self.dialect)


def split_vars(project: Project, given: dict[str, Any] | None) -> tuple[dict, dict]:
    """(plain vars, param values) from the project defaults and the run's --vars.

    A plain var is typed by its default in project.yml: a value of another JSON type is
    a ParamError naming the var (``"seven"`` for a number never becomes 0). Vars the
    project does not declare pass through (a model may read them with a default);
    ``unknown_vars`` lists them so the CLI can warn."""
    given = dict(given or {})
    params = {k: given.pop(k) for k in list(given) if k in project.params}
    for name, value in given.items():
        if name in project.vars:
            _check_var_type(name, value, project.vars[name])
    return {**project.vars, **given}, params


def unknown_vars(project: Project, given: dict[str, Any] | None) -> list[str]:
    """Names in ``given`` that are neither a var nor a param of the project, nor read by
    a seed's Jinja ``+enabled`` (``{{ var('load_source_data', false) }}``)."""
    read = " ".join(str(s.enabled) for s in project.seeds.values() if isinstance(s.enabled, str))
    unknown = set(given or {}) - set(project.vars) - set(project.params)
    return sorted(n for n in unknown if f"'{n}'" not in read and f'"{n}"' not in read)


#: JSON type names for messages, and which Python types a default of each accepts
_VAR_TYPES = (
    (bool, "true or false", (bool,)),
    (int, "a whole number", (int,)),
    (float, "a number", (int, float)),
    (str, "text", (str,)),
    (list, "a list", (list,)),
    (dict, "a mapping", (dict,)),
)


def _check_var_type(name: str, value: Any, default: Any) -> None:
    kind = next((k for k in _VAR_TYPES if isinstance(default, k[0])), None)
    if kind is None:
        return  # a var declared without a value (null) takes anything
    _, label, accepted = kind
    if isinstance(value, accepted) and not (isinstance(value, bool) and bool not in accepted):
        return
    raise ParamError(
        f"invalid value for var '{name}': expected {label} (its default is {default!r}), "
        f"got {value!r}",
        param=name,
        hint="vars take the JSON type of their default in project.yml",
    )


def compile_project(
    project: Project,
    dialect: str,
    vars: dict[str, Any] | None = None,
    *,
    bind: bool = True,
    renderer: Renderer | None = None,
    values: ParamValues | None = None,
) -> CompiledProject:
    """``vars``: the run's --vars (plain vars and params, validated here); ``values``:
    params a caller has validated already (``ParamSet.resolve``), used as they are."""
    plain, given_params = split_vars(project, vars)
    params = dict(values) if values is not None else resolve_params(project.params, given_params)
    renderer = renderer or Renderer(project, dialect)
    rendered = renderer.render_all(plain, params, bind)
    graph = Graph(
        {name: m.refs for name, m in rendered.items()},
        {name: m.tags for name, m in rendered.items()},
        {name: m.path for name, m in rendered.items()},
    )
    models: dict[str, CompiledModel] = {}
    for name in graph.order:  # parents first, so an ephemeral parent's SQL is ready
        ctes = _ephemeral_parents(name, rendered, graph)
        models[name] = _compile_model(rendered[name], ctes, rendered, models, project, dialect)
    return CompiledProject(
        project=project,
        dialect=dialect,
        models=models,
        graph=graph,
        params=params,
        macros=dict(renderer.macro_names),
    )


def _compile_model(
    model: RenderedModel,
    ctes: list[str],
    rendered: dict[str, RenderedModel],
    done: dict[str, CompiledModel],
    project: Project,
    dialect: str,
) -> CompiledModel:
    """One model: parsed (and transpiled), its ephemeral parents inlined as CTEs."""
    sql = _check_and_transpile(model, project.dialect, dialect)
    parents = [(c, _own_sql(done[c])) for c in ctes]
    exact = {c: done[c].checked_sql == done[c].rendered for c in ctes}
    incremental, incremental_spans = None, ()
    if model.incremental_sql is not None:
        checked = replace(model, sql=model.incremental_sql)
        own = (model.name, _check_and_transpile(checked, project.dialect, dialect))
        incremental, incremental_spans = _with_ctes(own, parents, dialect)
        incremental_spans = _exact(incremental_spans, {**exact, model.name: False})
    executed, spans = _with_ctes((model.name, sql), parents, dialect)
    spans = _exact(spans, {**exact, model.name: sql == model.sql})
    return CompiledModel(
        name=model.name,
        path=model.path,
        materialized=model.materialized,
        tags=model.tags,
        refs=model.refs,
        sources=model.sources,
        seeds=model.seeds,
        binds=tuple(sorted(set(model.binds).union(*(rendered[c].binds for c in ctes)))),
        rendered=model.sql,
        sql=executed,
        template=model.template,
        incremental_sql=incremental,
        unique_key=model.unique_key,
        indexes=model.indexes,
        incremental_strategy=model.incremental_strategy,
        checked_sql=sql,
        spans=spans,
        incremental_spans=incremental_spans,
    )


def _with_head(sql: str, dialect: str) -> str:
    """The query's ``WITH`` (or ``WITH RECURSIVE``) with what precedes it, if it has one:
    the ephemeral parents' CTEs go right after it."""
    tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    if not tokens or tokens[0].token_type != TokenType.WITH:
        return ""
    recursive = len(tokens) > 1 and tokens[1].token_type == TokenType.RECURSIVE
    return sql[: tokens[1 if recursive else 0].end + 1]


def _exact(spans: tuple[Span, ...], exact: dict[str, bool]) -> tuple[Span, ...]:
    """The spans, each saying whether its lines are its model's rendered lines."""
    return tuple(replace(s, exact=exact[s.model]) for s in spans)


def _own_sql(model: CompiledModel) -> str:
    """An ephemeral parent's own SQL, checked and transpiled, without its parents (they
    are inlined beside it)."""
    return model.checked_sql


def _check_and_transpile(model: RenderedModel, source_dialect: str | None, target: str) -> str:
    """Parse with sqlglot before any database sees the SQL; transpile when dialects differ."""
    outcome = _checked(model.sql, source_dialect, target)
    if isinstance(outcome, str):
        return outcome
    kind, detail = outcome
    if kind == "parse":
        raise _parse_error(model, detail) from None
    raise CompileError(detail, model=model.name, path=model.path, line=1)


@functools.lru_cache(maxsize=2048)
def _checked(sql: str, source_dialect: str | None, target: str) -> str | tuple[str, Any]:
    """The SQL to run, or (what is wrong, its detail): a pure function of the text and the
    dialects, kept for the process, because the same models are compiled again and
    again with other vars or choices (per API mode, per unit test, per test)."""
    read = source_dialect or target
    try:
        statements = [s for s in sqlglot.parse(sql, read=read) if s is not None]
    except (ParseError, TokenError) as exc:
        return "parse", exc
    if len(statements) != 1:
        return "shape", f"a model must be exactly one SELECT statement, found {len(statements)}"
    if not isinstance(statements[0], sqlglot.exp.Query):
        return "shape", (
            f"a model must be a SELECT (or WITH ... SELECT), not {statements[0].key.upper()}"
        )
    if _unshadow_import_ctes(statements[0]) or (source_dialect and source_dialect != target):
        return statements[0].sql(dialect=target, pretty=True)
    return sql


def _unshadow_import_ctes(query: sqlglot.exp.Expression) -> bool:
    """dbt's import CTE named like the relation it reads (``orders as (select * from
    {{ ref('orders') }})``): dbt's refs are schema-qualified, ours are bare, and SQLite
    reads the bare name inside the CTE as the CTE itself ("circular reference"). Such a
    CTE is renamed; every later read of it keeps its name as an alias."""
    changed = False
    for cte in list(query.find_all(sqlglot.exp.CTE)):
        if cte.parent is None or cte.parent.args.get("recursive"):
            continue  # a recursive CTE reads itself on purpose
        name = cte.alias_or_name
        inner = {id(t) for t in cte.this.find_all(sqlglot.exp.Table)}
        if not any(t.name == name and not t.db for t in cte.this.find_all(sqlglot.exp.Table)):
            continue
        renamed = f"{name}__import"
        scope = cte.parent.parent or query
        for table in scope.find_all(sqlglot.exp.Table):
            if table.name == name and not table.db and id(table) not in inner:
                table.set("this", sqlglot.exp.to_identifier(renamed))
                if not table.alias:
                    table.set("alias", sqlglot.exp.TableAlias(this=sqlglot.exp.to_identifier(name)))
        cte.set("alias", sqlglot.exp.TableAlias(this=sqlglot.exp.to_identifier(renamed)))
        changed = True
    return changed


def _parse_error(model: RenderedModel, exc: Exception) -> CompileError:
    info = exc.errors[0] if isinstance(exc, ParseError) and exc.errors else {}
    rendered_line = info.get("line") or 1
    lines = LineMap(model.template, model.sql)
    line = lines.template_line(rendered_line)
    near = info.get("highlight")
    message = info.get("description") or str(exc).splitlines()[0]
    return CompileError(
        f"SQL syntax error: {message}" + (f" near '{near}'" if near else ""),
        model=model.name,
        path=model.path,
        line=line,
        snippet=lines.text(line),
        hint="the SQL after Jinja is in target/compiled/ (`runner compile`)",
    )


def _ephemeral_parents(name: str, rendered: dict[str, RenderedModel], graph: Graph) -> list[str]:
    """Ephemeral models reachable from ``name`` through ephemeral models only, in DAG order."""
    found: set[str] = set()
    stack = [p for p in rendered[name].refs if rendered[p].materialized == "ephemeral"]
    while stack:
        parent = stack.pop()
        if parent not in found:
            found.add(parent)
            stack.extend(
                p for p in rendered[parent].refs if rendered[p].materialized == "ephemeral"
            )
    return [n for n in graph.order if n in found]


def _with_ctes(
    own: tuple[str, str], ctes: list[tuple[str, str]], dialect: str
) -> tuple[str, tuple[Span, ...]]:
    """Prepend CTEs (ephemeral parents) to a query (``own``: its model's name and SQL),
    merging with its own WITH clause if it has one; with where each line came from.
    Where the dialect can say so, each is NOT MATERIALIZED: an ephemeral model is
    inlined, so a filter on it reaches its source even when it is read twice (both
    engines otherwise compute a CTE read twice whole, once).

    Each CTE is ``name AS (`` on a line of its own, its body, then ``)`` (and ``,``): so
    a body's lines stay whole and an error on one is traced back to the parent."""
    name, sql = own
    own_lines = sql.count("\n") + 1
    if not ctes:
        return sql, (Span(1, own_lines, name),)
    hint = adapter_class(dialect).INLINE_CTE
    block = ",\n".join(f"{cte} AS {hint}(\n{body}\n)" for cte, body in ctes)
    head = _with_head(sql, dialect)
    merged = bool(head)
    spans, line = [], head.count("\n") + 1  # the first CTE's header line
    for cte, body in ctes:
        size = body.count("\n") + 1
        spans.append(Span(line + 1, line + size, cte))
        line += size + 2  # past the body and ``)``: the next header, or one past the last ``)``
    close = line - 1
    if not merged:
        spans.append(Span(close + 1, close + own_lines, name))
        return f"WITH {block}\n{sql}", tuple(spans)
    # the WITH line goes on after the last ``)``; the lines before it stay where they were
    spans.append(Span(close, close + own_lines - head.count("\n") - 1, name, head.count("\n") + 1))
    if head.count("\n"):
        spans.insert(0, Span(1, head.count("\n"), name))
    return f"{head} {block},{sql[len(head) :]}", tuple(spans)
