"""Rendering model templates with Jinja, using dbt's spelling.

The context every model and macro sees: ``ref``, ``source``, ``var``, ``config``,
``env_var`` and every macro of the project. A call to ``x(...)`` where no macro ``x``
exists but ``sqlite__x`` / ``postgres__x`` / ``default__x`` do is dispatched on the
target's dialect, so models never branch on the engine themselves.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes

from runner import crossdb
from runner.adapters import DEFAULT_SCHEMA, DIALECTS
from runner.adapters.base import quote
from runner.context import RenderState, template_context
from runner.dbtcontext import dbt_globals, returning
from runner.errors import ConfigError, RunnerError, TemplateError
from runner.namespaces import (
    DBT,
    Dispatcher,
    PackageNamespace,
    module_macros,
    package_macro_names,
    test_blocks_as_macros,
)
from runner.project import Project
from runner.uniquekey import unique_key

#: dbt macros a project overrides to change what dbt does; nothing here calls them
NOT_CALLED = {
    "generate_schema_name": "custom schemas are not supported (models go to the target's schema)",
    "generate_alias_name": "a model's relation is named after its file",
    "generate_database_name": "models are built in the target's database",
}


@dataclass(frozen=True)
class RenderedModel:
    name: str
    path: str
    template: str
    sql: str
    refs: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    materialized: str
    tags: tuple[str, ...]
    binds: tuple[str, ...]
    #: incremental models: the SQL rendered with is_incremental() true, the key whose
    #: rows it replaces, and the indexes created with the table
    incremental_sql: str | None = None
    unique_key: str | None = None
    indexes: tuple[tuple[str, ...], ...] = ()
    incremental_strategy: str = "delete+insert"
    seeds: tuple[str, ...] = ()  # the seed tables it ref()s (not models: no DAG node)


class Renderer:
    """Compiles every template once; ``render_all`` renders the models for one set of vars."""

    def __init__(self, project: Project, dialect: str, fallbacks: tuple[str, ...] = ()) -> None:
        """``fallbacks``: dialects whose macros serve when ``dialect`` has none, before
        ``default__`` (a dialect without an adapter, rendered for another tool, can lean
        on a close one and let sqlglot transpile the rest)."""
        self.project = project
        self.dialect = dialect
        self.fallbacks = fallbacks
        #: macro-name prefixes that mean a dialect: ``sqlite__x`` dispatches ``x``
        self.prefixes = {*DIALECTS, dialect, *fallbacks, "default"}
        self.templates = {m.path: test_blocks_as_macros(m.source) for m in project.macros}
        for package in project.packages:
            self.templates.update({m.path: test_blocks_as_macros(m.source) for m in package.macros})
        self.templates.update({m.path: m.source for m in project.models.values()})
        self.templates.update({t.path: t.source for t in project.singular_tests.values()})
        self.templates[crossdb.PATH] = crossdb.MACROS
        self.env = jinja2.Environment(
            loader=jinja2.FunctionLoader(self._load),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
            cache_size=-1,
            extensions=["jinja2.ext.do"],  # dbt's {% do ... %}
            bytecode_cache=_bytecode_cache(project),
        )
        self.macro_names = self._macro_names()
        with _located(None, self.templates):
            #: package -> its macros (name -> file)
            self.package_macros = {
                p.name: package_macro_names(self.env, p) for p in project.packages
            }

    def _load(self, name: str):
        return self.templates[name], name, lambda: True

    def _macro_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for macro in self.project.macros:
            with _located(None, self.templates):
                source = self.templates[macro.path]
                tree = self.env.parse(source, name=macro.path, filename=macro.path)
            for node in tree.find_all(nodes.Macro):  # tree of the source as templates has it
                if node.name in NOT_CALLED:
                    raise TemplateError(
                        f"macro '{node.name}' would never be called: {NOT_CALLED[node.name]}",
                        path=macro.path,
                        line=node.lineno,
                    )
                if node.name in names:
                    raise TemplateError(
                        f"macro '{node.name}' is defined twice (also in {names[node.name]})",
                        path=macro.path,
                        line=node.lineno,
                    )
                names[node.name] = macro.path
        return names

    def render_all(
        self,
        vars: dict[str, Any],
        params: dict[str, Any],
        bind: bool,
    ) -> dict[str, RenderedModel]:
        state, context = self._build(vars, params, bind)
        return {
            name: self._render(model, state, context) for name, model in self.project.models.items()
        }

    def render_tests(
        self, vars: dict[str, Any], params: dict[str, Any], bind: bool
    ) -> dict[str, RenderedModel]:
        """Singular data tests: templates like models, each selecting failing rows."""
        state, context = self._build(vars, params, bind)
        return {n: self._render(t, state, context) for n, t in self.project.singular_tests.items()}

    def package_tests(self, tests: list, vars: dict, params: dict[str, Any]) -> dict[str, str]:
        """Test name -> the SQL selecting its failing rows, for tests from packages
        (``dbt_utils.expression_is_true``): the package's test macro called as dbt calls
        it, with ``model`` (the relation, filtered by ``where``) and ``column_name``."""
        if not tests:
            return {}
        _, context = self._build(vars, params, bind=False)
        found = {}
        for test in tests:
            package, name = test.kind.split(".", 1)
            model = quote(test.model)
            if test.where:
                model = f"(select * from {model} where {test.where}) dbt_subquery"
            kwargs = dict(test.args, **({"column_name": test.column} if test.column else {}))
            try:
                with _located(None, self.templates):
                    sql = getattr(context[package], f"test_{name}")(model=model, **kwargs)
            except RunnerError as error:
                raise error.located(path=test.path, line=test.line) from None
            found[test.name] = _trim(str(sql))
        return found

    def call_macro(
        self, name: str, vars: dict[str, Any], params: dict[str, Any], *args: Any
    ) -> str:
        """Render one (possibly dispatched) macro, e.g. a source's DDL."""
        state, context = self._build(vars, params, bind=False)
        if name not in context:
            raise TemplateError(f"macro '{name}' does not exist", hint="see macros/")
        with _located(None, self.templates):
            return str(context[name](*args)).strip()

    def _build(self, vars: dict, params: dict[str, Any], bind: bool) -> tuple[RenderState, dict]:
        state = RenderState(schema=self.project.schema or DEFAULT_SCHEMA.get(self.dialect))
        context = template_context(self.project, state, vars, params, bind)
        # Jinja snapshots a module's globals when it is made, so every macro name (and
        # every dispatched name) is a proxy into a registry that is filled afterwards.
        registry: dict[str, Any] = {}
        registries = {self.project.name: registry, **{p: {} for p in self.package_macros}}
        dialects = (self.dialect, *self.fallbacks)
        dispatcher = Dispatcher(registries, self.project.name, self.project.dispatch, dialects)
        context.update(dbt_globals(self.dialect, self.project.schema, dispatcher))
        context.update(self._macro_proxies(registry))
        for package in self.package_macros:
            context.setdefault(package, PackageNamespace(package, registries[package]))
        with _located(None, self.templates):
            builtin = self.env.get_template(crossdb.PATH).make_module(context)
        registries[DBT] = module_macros(builtin)
        context["dbt"] = crossdb.DbtNamespace(registry, builtin, dialects)
        self._load_macros(context, registry, self.macro_names)
        for package, names in self.package_macros.items():
            own = {n: _proxy(n, registries[package]) for n in names if n not in context}
            self._load_macros({**context, **own}, registries[package], names)
        return state, context

    def _load_macros(self, context: dict, registry: dict[str, Any], names: dict[str, str]) -> None:
        """Fill ``registry`` with the macros ``names`` lists, each file's module made
        in ``context`` (a package's own macros are callable unqualified inside it)."""
        for path in dict.fromkeys(names.values()):
            with _located(None, self.templates):
                module = self.env.get_template(path).make_module(context)
            for name, defined_in in names.items():
                if defined_in == path:
                    registry[name] = returning(getattr(module, name))

    def _render(self, model, state: RenderState, context: dict) -> RenderedModel:
        sql = self._render_once(model, state, context, incremental=False)
        materialized = state.config.get("materialized", "view")
        tags = state.config.get("tags", ())
        incremental = {}
        if materialized == "incremental":
            incremental = self._incremental(model, state, context)
        return RenderedModel(
            name=model.name,
            path=model.path,
            template=model.source,
            sql=_trim(sql),
            refs=tuple(dict.fromkeys(state.refs)),
            sources=tuple(dict.fromkeys(state.sources)),
            seeds=tuple(dict.fromkeys(state.seeds)),
            materialized=materialized,
            tags=(tags,) if isinstance(tags, str) else tuple(tags),
            binds=tuple(sorted(state.binds)),
            **incremental,
        )

    def _render_once(self, model, state: RenderState, context: dict, incremental: bool) -> str:
        state.model, state.refs, state.sources, state.seeds = model.name, [], [], []
        state.config = dict(getattr(model, "config", {}))
        state.binds, state.incremental = set(), incremental
        with _located(model.name, self.templates):
            return self.env.get_template(model.path).render(context)

    def _incremental(self, model, state: RenderState, context: dict) -> dict[str, Any]:
        """Render an incremental model a second time with is_incremental() true.

        Both renderings are compiled ahead, so the choice between them is made at run
        time (does the table exist?) without rendering again. dbt's delete+insert: the
        incremental SQL returns every row to (re)write; rows of the table with the same
        ``unique_key`` are deleted first.
        """
        config = dict(state.config)
        key = unique_key(config.get("unique_key"), model)
        # dbt's default: delete+insert with a unique_key, append without one
        strategy = config.get("incremental_strategy") or ("delete+insert" if key else "append")
        if strategy == "delete+insert" and not key:
            raise ConfigError(
                "incremental_strategy='delete+insert' needs config(unique_key='column')",
                model=model.name,
                path=model.path,
                hint="the rows the incremental SQL returns replace the rows with the same key "
                "(or leave unique_key out: the batch is then appended, as in dbt)",
            )
        indexes = tuple((i,) if isinstance(i, str) else tuple(i) for i in config.get("indexes", ()))
        refs, sources, binds = list(state.refs), list(state.sources), set(state.binds)
        seeds = list(state.seeds)
        sql = self._render_once(model, state, context, incremental=True)
        state.refs, state.sources = refs + state.refs, sources + state.sources
        state.seeds = seeds + state.seeds
        state.binds |= binds
        state.config = config
        return {
            "incremental_sql": _trim(sql),
            "unique_key": key,
            "indexes": indexes,
            "incremental_strategy": strategy,
        }

    def _macro_proxies(self, registry: dict[str, Any]) -> dict[str, Any]:
        proxies: dict[str, Any] = {name: _proxy(name, registry) for name in self.macro_names}
        for name in self.macro_names:
            prefix, sep, base = name.partition("__")
            if sep and prefix in self.prefixes and base not in self.macro_names:
                proxies[base] = _dispatcher(base, registry, (self.dialect, *self.fallbacks))
        return proxies


def _bytecode_cache(project: Project) -> jinja2.BytecodeCache | None:
    """Compiled templates under target/.jinja-cache, keyed by each template's source, so a
    second `runner compile` skips Jinja's compiler (most of its time on 1,000 models)."""
    directory = project.target_dir / ".jinja-cache"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only checkout still renders, only slower
    if not os.access(directory, os.W_OK):
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))


def _trim(sql: str) -> str:
    """Drop trailing blanks and semicolons but keep leading lines, so line numbers hold."""
    sql = sql.rstrip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    return sql


def _proxy(name: str, registry: dict[str, Any]):
    def call(*args: Any, **kwargs: Any) -> Any:
        return registry[name](*args, **kwargs)

    return call


def _dispatcher(base: str, registry: dict[str, Any], dialects: tuple[str, ...]):
    dialect = dialects[0]

    def dispatch(*args: Any, **kwargs: Any) -> Any:
        for prefix in (*dialects, "default"):
            macro = registry.get(f"{prefix}__{base}")
            if macro is not None:
                return macro(*args, **kwargs)
        raise TemplateError(
            f"macro '{base}' has no implementation for {dialect}",
            hint=f"add a macro {dialect}__{base} or default__{base}",
        )

    return dispatch


class _located:
    """Turn any error raised while rendering into a RunnerError with path and line.

    Jinja rewrites tracebacks so template frames carry the template's file and line;
    the innermost such frame is where the problem is.
    """

    def __init__(self, model: str | None, templates: dict[str, str]) -> None:
        self.model = model
        self.templates = templates

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        path, line = _template_frame(exc, self.templates)
        if isinstance(exc, jinja2.TemplateSyntaxError):
            path, line = exc.filename or exc.name or path, exc.lineno
            raise self._error(f"Jinja syntax error: {exc.message}", path, line) from None
        if isinstance(exc, RunnerError):
            raise exc.located(
                model=self.model,
                path=path,
                line=line,
                snippet=_line(self.templates.get(path), line),
            ) from None
        if isinstance(exc, jinja2.UndefinedError) and "was not provided" in exc.message:
            path, line = _caller_frame(exc, self.templates)  # the call, not the macro
            raise self._error(
                f"a macro was called without an argument: {exc.message}",
                path,
                line,
                hint="pass every parameter the macro declares (or give it a default)",
            ) from None
        if isinstance(exc, jinja2.UndefinedError):
            raise self._error(
                f"undefined: {exc.message}",
                path,
                line,
                hint="check the spelling, or define it with {% set %}, a macro or --vars",
            ) from None
        if isinstance(exc, Exception):
            message = f"error while rendering: {type(exc).__name__}: {exc}"
            raise self._error(message, path, line) from exc
        return False

    def _error(
        self, message: str, path: str | None, line: int | None, hint: str | None = None
    ) -> TemplateError:
        """A TemplateError at ``path:line`` of this model, with that line's text."""
        return TemplateError(
            message,
            model=self.model,
            path=path,
            line=line,
            snippet=_line(self.templates.get(path), line),
            hint=hint,
        )


def _template_frame(exc: BaseException, templates: dict[str, str]) -> tuple[str | None, int | None]:
    found = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in templates:
            found = (frame.filename, frame.lineno)
    return found


def _caller_frame(exc: BaseException, templates: dict[str, str]) -> tuple[str | None, int | None]:
    """The template frame that called the macro the error happened in: the frame before
    the innermost one whose file differs, else the one before the innermost."""
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    frames = [f for f in frames if f[0] in templates]
    if len(frames) < 2:
        return frames[-1] if frames else (None, None)
    inner = frames[-1][0]
    outer = [f for f in frames[:-1] if f[0] != inner]
    return outer[-1] if outer else frames[-2]


def _line(source: str | None, line: int | None) -> str | None:
    if not source or not line:
        return None
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None
