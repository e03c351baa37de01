"""Rendering model templates with Jinja, using dbt's spelling.

The context every model and macro sees: ``ref``, ``source``, ``var``, ``config``,
``env_var`` and every macro of the project. A call to ``x(...)`` where no macro ``x``
exists but ``sqlite__x`` / ``postgres__x`` / ``default__x`` do is dispatched on the
target's dialect, so models never branch on the engine themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from runner.adapters import adapter_class, dialects
from runner.errors import ConfigError, RunnerError, TemplateError
from runner.project.generic_tests import RELATION
from runner.project.loader import Project
from runner.render import cross_db
from runner.render.context import RenderState, template_context
from runner.render.dbt_globals import dbt_globals, returning
from runner.render.introspection import Query
from runner.render.jinja_errors import located as _located
from runner.render.namespaces import (
    DBT,
    Dispatcher,
    PackageNamespace,
    defined_macros,
    module_macros,
    package_undefined,
    test_blocks_as_macros,
)
from runner.render.relation import Relation
from runner.render.unique_key import unique_key

#: dbt macros a project overrides to change what dbt does; nothing here calls them
NOT_CALLED = {
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

    def __init__(
        self,
        project: Project,
        dialect: str,
        fallbacks: tuple[str, ...] = (),
        query: Query | None = None,
    ) -> None:
        """``fallbacks``: dialects whose macros serve when ``dialect`` has none, before
        ``default__`` (a dialect without an adapter, rendered for another tool, can lean
        on a close one and let sqlglot transpile the rest). ``query``: runs run_query()
        and statement() against the target (runner/render/introspection.py)."""
        self.query = query
        self.project = project
        self.dialect = dialect
        self.fallbacks = fallbacks
        #: macro-name prefixes that mean a dialect: ``sqlite__x`` dispatches ``x``
        self.prefixes = {*dialects(), dialect, *fallbacks, "default"}
        self.templates = {m.path: test_blocks_as_macros(m.source) for m in project.macros}
        for package in project.packages:
            self.templates.update({m.path: test_blocks_as_macros(m.source) for m in package.macros})
        self.templates.update({m.path: m.source for m in project.models.values()})
        self.templates.update({t.path: t.source for t in project.singular_tests.values()})
        self.templates[cross_db.PATH] = cross_db.MACROS
        self.env = jinja2.Environment(
            loader=jinja2.FunctionLoader(self._load),
            undefined=package_undefined({m.path for p in project.packages for m in p.macros}),
            keep_trailing_newline=True,
            autoescape=False,
            cache_size=-1,
            extensions=["jinja2.ext.do"],  # dbt's {% do ... %}
            bytecode_cache=_bytecode_cache(project),
        )
        with _located(None, self.templates):
            self.macro_names = defined_macros(
                self.env, self.templates, [m.path for m in project.macros], refused=NOT_CALLED
            )
            #: package -> its macros (name -> file)
            self.package_macros = {
                p.name: defined_macros(
                    self.env, self.templates, [m.path for m in p.macros], label=f"{p.name}."
                )
                for p in project.packages
            }

    def _load(self, name: str):
        return self.templates[name], name, lambda: True

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

    def package_test(self, vars: dict, params: dict[str, Any]) -> Callable[[Any], tuple[str, str]]:
        """Renders a test from a package (``dbt_utils.expression_is_true``) into (the SQL
        selecting its failing rows, its fail_calc): the package's test macro called as
        dbt calls it, with ``model``, ``column_name`` and the arguments (``ref('x')`` as
        that relation). Called when the test runs, after the models it reads are built,
        as dbt renders a test (some read their model's columns)."""
        built: list[tuple[RenderState, dict]] = []

        def render(test: Any) -> tuple[str, str]:
            if not built:
                built.append(self._build(vars, params, bind=False))
            state, context = built[0]
            package, name = test.kind.split(".", 1)
            model: Any = Relation(test.model, state.schema or "")
            if test.where:
                model = f"(select * from {model} where {test.where}) dbt_subquery"
            kwargs = {k: _argument(v, context) for k, v in test.args.items()}
            if test.column:
                kwargs["column_name"] = test.column
            state.config, state.test, state.model = {}, True, test.model
            try:
                with _located(None, self.templates):
                    sql = getattr(context[package], f"test_{name}")(model=model, **kwargs)
            except RunnerError as error:
                raise error.located(path=test.path, line=test.line) from None
            finally:
                state.test = False
            return _trim(str(sql)), str(state.config.get("fail_calc", "COUNT(*)"))

        return render

    def schema_names(self, nodes: list[tuple[str | None, Any]]) -> list[str]:
        """dbt's generate_schema_name(custom_schema_name, node) for each node: the
        project's own macro if it has one, else dbt's default (the target's schema, or
        ``<target schema>_<custom>``)."""
        _, context = self._build(self.project.vars, {}, bind=False)
        target = context["target"].schema
        names = []
        for custom, node in nodes:
            if "generate_schema_name" in self.macro_names:
                with _located(None, self.templates):
                    names.append(str(context["generate_schema_name"](custom, node)).strip())
            else:
                names.append(f"{target}_{custom.strip()}" if custom else target)
        return names

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
        state = RenderState(
            schema=self.project.schema or adapter_class(self.dialect).DEFAULT_SCHEMA
        )
        context = template_context(self.project, state, vars, params, bind)
        # Jinja snapshots a module's globals when it is made, so every macro name (and
        # every dispatched name) is a proxy into a registry that is filled afterwards.
        registry: dict[str, Any] = {}
        registries = {self.project.name: registry, **{p: {} for p in self.package_macros}}
        dialects = (self.dialect, *self.fallbacks)
        dispatcher = Dispatcher(registries, self.project.name, self.project.dispatch, dialects)
        context.update(dbt_globals(self.dialect, self.project.schema, dispatcher, self.query))
        context.update(self._macro_proxies(registry))
        for package in self.package_macros:
            context.setdefault(package, PackageNamespace(package, registries[package]))
        # dbt's own macros: dbt.x, and their bare names too; they call each other as dbt.x
        context["dbt"] = namespace = cross_db.DbtNamespace(registry, None, dialects)
        for name in cross_db.NAMES:
            context.setdefault(name, _attribute_proxy(namespace, name))
        with _located(None, self.templates):
            builtin = self.env.get_template(cross_db.PATH).make_module(context)
        namespace.bind(builtin)
        registries[DBT] = module_macros(builtin)
        self._load_macros(context, registry, self.macro_names)
        for package, names in self.package_macros.items():
            own = {n: _proxy(n, registries[package]) for n in names if n not in context}
            self._load_macros({**context, **own}, registries[package], names)
        return state, context

    def _load_macros(self, context: dict, registry: dict[str, Any], names: dict[str, str]) -> None:
        """Fill ``registry`` with the macros ``names`` lists, each file's module made
        in ``context`` (a package's own macros are callable unqualified inside it)."""
        for path in dict.fromkeys(names.values()):
            template = self.env.get_template(path)
            # what make_module does, keeping the names it would not export: packages
            # call their private macros (dbt_utils._is_relation)
            module = template.new_context(context)
            with _located(None, self.templates):
                for _ in template.root_render_func(module):
                    pass
            for name, defined_in in names.items():
                if defined_in == path:
                    registry[name] = returning(module.vars[name])

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
        known = [n for n in context if not n.startswith("_")]
        with _located(model.name, self.templates, known):
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


def _argument(value: Any, context: dict) -> Any:
    """A test argument written ``ref('orders')`` or ``source('s', 't')`` is that relation
    (dbt renders test arguments); anything else is passed as written."""
    match = RELATION.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    kind, first, second = match.groups()
    return context[kind](first, second) if second else context[kind](first)


def _trim(sql: str) -> str:
    """Drop trailing blanks and semicolons but keep leading lines, so line numbers hold."""
    sql = sql.rstrip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    return sql


def _attribute_proxy(namespace: Any, name: str):
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(namespace, name)(*args, **kwargs)

    return call


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
