"""Reading a project: project.yml, model files, macro files and seeds.

Everything here is parsed once into frozen dataclasses; nothing touches a database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runner.errors import ConfigError
from runner.params import ParamSpec, param_from_config
from runner.properties import load_properties, load_unit_tests

PROJECT_FILE = "project.yml"
MATERIALIZATIONS = ("view", "table", "ephemeral", "incremental")


@dataclass(frozen=True)
class SourceTable:
    source: str
    name: str
    identifier: str
    columns: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    create_macro: str | None = None
    #: (column, declared type) where project.yml gives one (lint types expressions)
    column_types: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SeedConfig:
    name: str
    path: Path
    table: str
    column_types: dict[str, str] = field(default_factory=dict)
    null: str = ""
    source: SourceTable | None = None


@dataclass(frozen=True)
class ModelFile:
    name: str
    path: str  # relative to the project root, used in every message
    source: str


@dataclass(frozen=True)
class MacroFile:
    path: str
    source: str


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    models: dict[str, ModelFile]
    macros: tuple[MacroFile, ...]
    seeds: dict[str, SeedConfig]
    sources: dict[tuple[str, str], SourceTable]
    vars: dict[str, Any]
    params: dict[str, ParamSpec]
    database: str | None
    dialect: str | None
    target_dir: Path
    schema: str | None = None  # where models are built (see adapters)
    properties: dict[str, Any] = field(default_factory=dict)  # name -> ModelProperties
    singular_tests: dict[str, ModelFile] = field(default_factory=dict)
    unit_tests: dict[str, Any] = field(default_factory=dict)  # name -> UnitTest

    def resolve_database(self, flag: str | None = None) -> str:
        """--database flag, then $DATABASE_URL, then project.yml, then the embedded
        default: an SQLite file named after the project in its target folder."""
        if flag or os.environ.get("DATABASE_URL") or self.database:
            return flag or os.environ.get("DATABASE_URL") or self.database
        relative = (self.target_dir / f"{self.name}.db").relative_to(self.root).as_posix()
        return f"sqlite:///{relative}"


def load_project(root: str | os.PathLike = ".") -> Project:
    root = Path(root).resolve()
    config_path = root / PROJECT_FILE
    if not config_path.is_file():
        raise ConfigError(
            f"no {PROJECT_FILE} in {root}", hint="run from the project folder or pass --project-dir"
        )
    config = _read_yaml(config_path)
    sources = _sources(config.get("sources") or {})
    return Project(
        root=root,
        name=str(config.get("name", root.name)),
        models=_models(root, config.get("model-paths", ["models"])),
        macros=_macros(root, config.get("macro-paths", ["macros"])),
        seeds=_seeds(root, config.get("seed-paths", ["seeds"]), config.get("seeds") or {}, sources),
        sources=sources,
        vars=dict(config.get("vars") or {}),
        params={k: param_from_config(k, v) for k, v in (config.get("params") or {}).items()},
        database=config.get("database"),
        dialect=config.get("dialect"),
        target_dir=root / config.get("target-path", "target"),
        schema=_schema(config.get("schema")),
        properties=load_properties(root, config.get("model-paths", ["models"])),
        singular_tests=_singular(root, config.get("test-paths", ["data-tests"])),
        unit_tests=load_unit_tests(root, config.get("model-paths", ["models"]), sources),
    )


def _schema(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.isidentifier() or not value.isascii():
        raise ConfigError(
            f"schema must be a plain identifier, not {value!r}",
            path=PROJECT_FILE,
            hint="letters, digits and underscores, e.g. schema: analytics",
        )
    return value


def _singular(root: Path, dirs: list[str]) -> dict[str, ModelFile]:
    """SQL files that select failing rows (data-tests/ by default: not pytest's tests/)."""
    return {
        p.stem: ModelFile(p.stem, p.relative_to(root).as_posix(), p.read_text(encoding="utf-8"))
        for p in _files(root, dirs, "**/*.sql")
    }


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            path=path.name,
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise ConfigError("project.yml must be a mapping", path=path.name, line=1)
    return data


def _files(root: Path, dirs: list[str], pattern: str) -> list[Path]:
    found = []
    for d in dirs:
        found.extend(p for p in (root / d).glob(pattern) if p.is_file())
    return sorted(found)


def _models(root: Path, dirs: list[str]) -> dict[str, ModelFile]:
    models: dict[str, ModelFile] = {}
    for path in _files(root, dirs, "**/*.sql"):
        rel = path.relative_to(root).as_posix()
        name = path.stem
        if name in models:
            raise ConfigError(
                f"two models are named '{name}': {models[name].path} and {rel}",
                path=rel,
                hint="model names come from file names and must be unique; rename one",
            )
        models[name] = ModelFile(name=name, path=rel, source=path.read_text(encoding="utf-8"))
    return models


def _macros(root: Path, dirs: list[str]) -> tuple[MacroFile, ...]:
    return tuple(
        MacroFile(path=p.relative_to(root).as_posix(), source=p.read_text(encoding="utf-8"))
        for p in _files(root, dirs, "**/*.sql")
    )


def _sources(raw: dict) -> dict[tuple[str, str], SourceTable]:
    tables = {}
    for source, body in raw.items():
        for name, spec in ((body or {}).get("tables") or {}).items():
            spec = spec or {}
            tables[(source, name)] = SourceTable(
                source=source,
                name=name,
                identifier=spec.get("identifier", name),
                columns=tuple(c for c, _ in _columns(spec.get("columns"))),
                indexes=tuple(tuple(ix) for ix in spec.get("indexes") or ()),
                create_macro=spec.get("create_macro"),
                column_types=tuple((c, t) for c, t in _columns(spec.get("columns")) if t),
            )
    return tables


def _columns(raw: Any) -> list[tuple[str, str | None]]:
    """A source's columns: a list of names, a mapping name -> type, or dbt's list of
    ``{name, data_type}``; (name, type or None) each."""
    if isinstance(raw, dict):
        return [(str(k), None if v is None else str(v)) for k, v in raw.items()]
    out = []
    for item in raw or ():
        if isinstance(item, dict):
            out.append((str(item.get("name")), item.get("data_type")))
        else:
            out.append((str(item), None))
    return out


def _seeds(root, dirs, config: dict, sources) -> dict[str, SeedConfig]:
    seeds = {}
    for path in _files(root, dirs, "*.csv"):
        spec = config.get(path.stem) or {}
        source = None
        if spec.get("source"):
            key = tuple(spec["source"].split(".", 1))
            if key not in sources:
                raise ConfigError(f"seed '{path.stem}' names unknown source {spec['source']!r}")
            source = sources[key]
        marker = spec.get("null_marker", "")
        if not isinstance(marker, str):
            raise ConfigError(
                f"seeds.{path.stem}.null_marker must be text",
                path=PROJECT_FILE,
                hint="quote it in YAML: null_marker: 'NULL'",
            )
        seeds[path.stem] = SeedConfig(
            name=path.stem,
            path=path,
            table=source.identifier if source else spec.get("table", path.stem),
            column_types=dict(spec.get("column_types") or {}),
            null=marker,
            source=source,
        )
    return seeds
