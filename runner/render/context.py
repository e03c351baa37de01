"""What a template sees: dbt's context, for one model at a time.

``ref``, ``source``, ``var``, ``config``, ``env_var``, ``is_incremental``, ``this`` and
``exceptions``. Each call records what the model uses (``RenderState``), so rendering
also discovers the DAG, the model's config and the params it binds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from runner.errors import ConfigError, GraphError, TemplateError, closest
from runner.project.folder_config import HARMLESS, UNSUPPORTED
from runner.project.loader import MATERIALIZATIONS, Project
from runner.project.params import ParamSpec
from runner.render.relation import Relation

_MISSING = object()


@dataclass
class RenderState:
    """What the model being rendered has called so far."""

    model: str = ""
    refs: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    binds: set[str] = field(default_factory=set)
    incremental: bool = False
    seeds: list[str] = field(default_factory=list)
    schema: str | None = None  # the project's (this.schema)
    test: bool = False  # rendering a package's generic test: config() takes fail_calc


class TemplateContext:
    """The functions a template calls; they read and record through ``state``."""

    def __init__(
        self, project: Project, state: RenderState, vars: dict, params: dict[str, Any], bind: bool
    ) -> None:
        self.project, self.state, self.vars, self.params, self.bind = (
            project,
            state,
            vars,
            params,
            bind,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "source": self.source,
            "var": self.var,
            "config": self.config,
            "env_var": self.env_var,
            "is_incremental": self.is_incremental,
            "this": _This(self.state),
            "exceptions": _Exceptions(self.state),
        }

    def ref(self, *names: str, **kwargs: Any) -> str:
        """dbt's ``ref('model')`` (or ``ref('this_project', 'model')``); a seed is read
        where ``runner seed`` loaded it (seeds are loaded before any model runs)."""
        name = self._ref_name(names, kwargs)
        if name not in self.project.models and name in self.project.seeds:
            seed = self.project.seeds[name]
            self.state.seeds.append(seed.table)
            return Relation(seed.table, seed.schema or self.state.schema or "")
        if name not in self.project.models:
            raise GraphError(
                f"ref('{name}') names a model that does not exist",
                model=self.state.model,
                missing=name,
                hint=closest(name, [*self.project.models, *self.project.seeds])
                or "check the name against `runner ls`",
            )
        self.state.refs.append(name)
        return Relation(name, self.state.schema or "")

    def _ref_name(self, names: tuple[str, ...], kwargs: dict[str, Any]) -> str:
        if (
            kwargs
            or not 1 <= len(names) <= 2
            or (len(names) == 2 and names[0] != self.project.name)
        ):
            raise ConfigError(
                f"ref({', '.join(map(repr, names))}) is not supported",
                model=self.state.model,
                hint="ref('model') or ref('<this project>', 'model'); packages and model "
                "versions are not supported",
            )
        return names[-1]

    def source(self, source_name: str, table: str) -> str:
        key = (source_name, table)
        if key not in self.project.sources:
            raise GraphError(
                f"source('{source_name}', '{table}') is not declared",
                model=self.state.model,
                missing=f"{source_name}.{table}",
                hint=closest(
                    f"{source_name}.{table}", [f"{s}.{t}" for s, t in self.project.sources]
                )
                or "declare it under sources: in the YAML beside the models",
            )
        self.state.sources.append(key)
        source = self.project.sources[key]
        return Relation(source.identifier, source.schema or self.state.schema or "")

    def var(self, name: str, default: Any = _MISSING) -> Any:
        if name in self.params:
            return _param_sql(self.project.params[name], self.params[name], self.bind, self.state)
        if name in self.vars:
            return self.vars[name]
        if default is not _MISSING:
            return default
        raise TemplateError(
            f"var('{name}') is not set and has no default",
            model=self.state.model,
            hint=closest(name, [*self.vars, *self.params])
            or f"add it under vars: in project.yml or pass --vars '{{\"{name}\": ...}}'",
        )

    def config(self, **kwargs: Any) -> str:
        if self.state.test:
            _check_test_config(kwargs)
            self.state.config.update(kwargs)
            return ""
        _check_config(kwargs)
        tags = kwargs.get("tags")
        if tags is not None and self.state.config.get("tags"):
            tags = (tags,) if isinstance(tags, str) else tuple(tags)
            kwargs = {**kwargs, "tags": tuple(dict.fromkeys((*self.state.config["tags"], *tags)))}
        self.state.config.update(kwargs)
        return ""

    def env_var(self, name: str, default: Any = _MISSING) -> Any:
        if name in os.environ:
            return os.environ[name]
        if default is not _MISSING:
            return default
        raise TemplateError(
            f"env_var('{name}') is not set and has no default", model=self.state.model
        )

    def is_incremental(self) -> bool:
        return self.state.incremental


#: what a generic test's config() may say: fail_calc is acted on, the rest are dbt's
#: defaults (anything else would change the verdict)
TEST_CONFIG_DEFAULTS = {"warn_if": "!= 0", "error_if": "!= 0", "store_failures": None}


def _check_test_config(kwargs: dict[str, Any]) -> None:
    for key, value in kwargs.items():
        if key == "fail_calc" or (
            key in TEST_CONFIG_DEFAULTS and TEST_CONFIG_DEFAULTS[key] == value
        ):
            continue
        raise TemplateError(
            f"a generic test's config({key}={value!r}) is not supported",
            hint="supported: fail_calc (warn_if/error_if only as '!= 0')",
        )


def template_context(
    project: Project, state: RenderState, vars: dict, params: dict[str, Any], bind: bool
) -> dict[str, Any]:
    return TemplateContext(project, state, vars, params, bind).as_dict()


class _This:
    """``{{ this }}``: the model's own relation (dbt's spelling)."""

    def __init__(self, state: RenderState) -> None:
        self._state = state

    def __str__(self) -> str:
        return self._state.model

    @property
    def identifier(self) -> str:
        return self._state.model

    name = table = identifier

    @property
    def schema(self) -> str:
        return self._state.schema or ""

    database = ""


class _Exceptions:
    """dbt's ``exceptions.raise_compiler_error(message)``: a macro refuses its input,
    and the error names the model and the line that called it."""

    def __init__(self, state: RenderState) -> None:
        self._state = state

    def raise_compiler_error(self, message: str) -> None:
        raise TemplateError(str(message), model=self._state.model)


#: what config() accepts; anything else would be silently ignored, so it is an error
CONFIG_KEYS = ("materialized", "tags", "unique_key", "indexes", "incremental_strategy")
INCREMENTAL_STRATEGIES = ("delete+insert", "append")


def _check_config(kwargs: dict[str, Any]) -> None:
    """Raised inside the template, so the error carries the line of the config() call."""
    unknown = sorted(set(kwargs) - set(CONFIG_KEYS) - set(HARMLESS))
    if unknown:
        raise ConfigError(
            f"config() does not know {unknown[0]!r}",
            hint=UNSUPPORTED.get(unknown[0], "config() takes " + ", ".join(CONFIG_KEYS)),
        )
    for key in HARMLESS:  # dbt's documentation configs: nothing to build differently
        kwargs.pop(key, None)
    materialized = kwargs.get("materialized", "view")
    if materialized not in MATERIALIZATIONS:
        raise ConfigError(
            f"unknown materialization {materialized!r}",
            hint="use one of " + ", ".join(MATERIALIZATIONS),
        )
    strategy = kwargs.get("incremental_strategy", "delete+insert")
    if strategy not in INCREMENTAL_STRATEGIES:
        raise ConfigError(
            f"unknown incremental_strategy {strategy!r}",
            hint="use one of " + ", ".join(INCREMENTAL_STRATEGIES),
        )


def _param_sql(spec: ParamSpec, value: Any, bind: bool, state: RenderState) -> str:
    """A choice is its (allow-listed) text; a timestamp or an integer is a SQL value: a
    placeholder the driver fills, or (in a persistent run) a literal."""
    if spec.type == "choice":
        return value
    if bind:
        state.binds.add(spec.name)
        return f":{spec.name}"
    if spec.type == "integer":
        return str(int(value))
    return "'" + str(value).replace("'", "''") + "'"
