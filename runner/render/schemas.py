"""dbt's custom schemas, where this runner supports them: seeds (``+schema``) and
sources (``schema:``).

A seed with ``+schema: raw`` is loaded into the schema dbt's ``generate_schema_name``
gives (the project's override if it has one, else ``<target schema>_raw``); a source
with ``schema: raw`` is read from it. Both are found by their bare names: those schemas
come after the models' schema on the search path (PostgreSQL). Models are always built
in the target's schema: a ``generate_schema_name`` that would put one elsewhere is an
error at the macro, not a model silently built somewhere dbt would not build it.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from runner.adapters import adapter_class
from runner.errors import ConfigError
from runner.project.loader import Project
from runner.render.renderer import Renderer


def resolve_schemas(project: Project, dialect: str) -> Project:
    """The project with each custom-schema seed's schema resolved."""
    custom = {n: s for n, s in project.seeds.items() if s.custom_schema}
    overridden = any(m.source.find("generate_schema_name") >= 0 for m in project.macros)
    if not custom and not overridden:
        return project
    renderer = Renderer(project, dialect)
    if overridden and "generate_schema_name" in renderer.macro_names:
        _check_models(project, renderer)
    names = renderer.schema_names(
        [(seed.custom_schema, _node("seed", name)) for name, seed in custom.items()]
    )
    seeds = dict(project.seeds)
    for (name, seed), schema in zip(custom.items(), names, strict=True):
        seeds[name] = replace(seed, schema=schema)
    return replace(project, seeds=seeds)


def search_schemas(project: Project) -> tuple[str, ...]:
    """The custom schemas sources are read from and seeds loaded into."""
    found = [s.schema for s in project.sources.values() if s.schema]
    found += [s.schema for s in project.seeds.values() if s.schema]
    return tuple(dict.fromkeys(found))


def _check_models(project: Project, renderer: Renderer) -> None:
    target = project.schema or adapter_class(renderer.dialect).DEFAULT_SCHEMA  # target.schema
    names = renderer.schema_names([(None, _node("model", m)) for m in project.models])
    path = renderer.macro_names["generate_schema_name"]
    lines = renderer.templates[path].splitlines()
    line = next((i for i, t in enumerate(lines, 1) if "generate_schema_name" in t), None)
    for model, schema in zip(project.models, names, strict=True):
        if schema != target:
            raise ConfigError(
                f"generate_schema_name puts model {model} in schema {schema!r}, not the "
                f"target's ({target!r}): models in custom schemas are not supported",
                model=model,
                path=path,
                line=line,
                hint="models are built in the target's schema; custom schemas are "
                "supported for seeds (+schema) and sources (schema:)",
            )


def _node(resource_type: str, name: str) -> SimpleNamespace:
    """The parts of dbt's node generate_schema_name macros read."""
    return SimpleNamespace(resource_type=resource_type, name=name, config={}, fqn=[name])
