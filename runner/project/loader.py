"""Reading a project: its project file, model files, macro files and seeds.

The project file is dbt's ``dbt_project.yml`` (``project.yml`` is the same format under
another name): dbt's keys plus the runner's own (database, schema, params, sources,
seed ``source``/``null_marker``, dialect). Everything here is parsed once into frozen
dataclasses; nothing touches a database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.errors import ConfigError
from runner.project.folder_config import MATERIALIZATIONS, config_for, config_tree
from runner.project.packages import (
    INSTALL_PATH,
    PACKAGE_FILES,
    Package,
    check_package_tests,
    load_packages,
)
from runner.project.params import ParamSet, param_from_config
from runner.project.properties import load_properties, load_unit_tests
from runner.project.sources import SourceTable, load_yml_sources, project_sources
from runner.project.yamlfile import LineDict, load_yaml

__all__ = ["MATERIALIZATIONS", "ModelFile", "Project", "SeedConfig", "SourceTable", "load_project"]

PROJECT_FILES = ("dbt_project.yml", "project.yml")
PROJECT_FILE = "project.yml"


@dataclass(frozen=True)
class SeedConfig:
    name: str
    path: Path
    table: str
    column_types: dict[str, str] = field(default_factory=dict)
    null: str = ""
    source: SourceTable | None = None
    rel: str = ""  # the file, relative to the project root
    #: dbt's ``+schema``: the custom schema name given to generate_schema_name
    custom_schema: str | None = None
    schema: str | None = None  # where it is loaded, once resolved (runner/render/schemas.py)
    #: ``+enabled`` as written: a bool, or Jinja text (``{{ var('load', false) }}``)
    #: decided with the run's vars
    enabled: Any = True


@dataclass(frozen=True)
class ModelFile:
    name: str
    path: str  # relative to the project root, used in every message
    source: str
    #: what the project file's ``models:`` block says for this model (config() wins)
    config: dict[str, Any] = field(default_factory=dict)


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
    params: ParamSet
    database: str | None
    dialect: str | None
    target_dir: Path
    schema: str | None = None  # where models are built (see adapters)
    properties: dict[str, Any] = field(default_factory=dict)  # name -> ModelProperties
    singular_tests: dict[str, ModelFile] = field(default_factory=dict)
    unit_tests: dict[str, Any] = field(default_factory=dict)  # name -> UnitTest
    profile: str | None = None  # dbt's profile name (profiles.yml)
    packages: tuple[Package, ...] = ()  # installed dbt packages (runner/project/packages.py)
    #: dbt's ``dispatch:`` config: macro namespace -> the packages searched, in order
    dispatch: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the files and folders the project was read from (a server reloads when they change)
    read_from: tuple[Path, ...] = ()

    def resolve_database(self, flag: str | None = None) -> str:
        """--database flag, then $DATABASE_URL, then project.yml, then the embedded
        default: an SQLite file named after the project in its target folder."""
        if flag or os.environ.get("DATABASE_URL") or self.database:
            return flag or os.environ.get("DATABASE_URL") or self.database
        relative = (self.target_dir / f"{self.name}.db").relative_to(self.root).as_posix()
        return f"sqlite:///{relative}"


#: keys of the project file: the runner's, dbt's that change nothing here, dbt's we refuse
PROJECT_KEYS = (
    "name",
    "model-paths",
    "macro-paths",
    "seed-paths",
    "target-path",
    "test-paths",
    "database",
    "schema",
    "vars",
    "params",
    "sources",
    "seeds",
    "models",
    "dialect",
    "profile",
    "dispatch",
)
IGNORED_KEYS = (
    "dbt-cloud",
    "config-version",
    "version",
    "analysis-paths",
    "clean-targets",
    "require-dbt-version",
    "docs-paths",
    "asset-paths",
    "snapshot-paths",
    "packages-install-path",
    "flags",
)


def find_project_file(root: Path) -> Path:
    """dbt_project.yml or project.yml (one format, two names); both at once is ambiguous."""
    found = [root / name for name in PROJECT_FILES if (root / name).is_file()]
    if not found:
        raise ConfigError(
            f"no dbt_project.yml or {PROJECT_FILE} in {root}",
            hint="run from the project folder or pass --project-dir",
        )
    if len(found) > 1:
        raise ConfigError(
            f"both dbt_project.yml and {PROJECT_FILE} in {root}",
            path=PROJECT_FILE,
            hint="they are the same format: keep one",
        )
    return found[0]


def load_project(root: str | os.PathLike = ".") -> Project:
    root = Path(root).resolve()
    config_path = find_project_file(root)
    rel = config_path.name
    config = _read_yaml(config_path)
    _check_keys(config, rel)
    _check_no_snapshots(root, _paths(config, "snapshot-paths", ["snapshots"], rel))
    name = str(config.get("name", root.name))
    model_dirs = _paths(config, "model-paths", ["models"], rel)
    yml_sources = load_yml_sources(root, model_dirs)
    sources = {**project_sources(config.get("sources"), rel), **yml_sources}
    install = str(config.get("packages-install-path", INSTALL_PATH))
    packages = load_packages(root, install)
    properties = load_properties(root, model_dirs)
    check_package_tests(properties, packages)
    macro_dirs = _paths(config, "macro-paths", ["macros"], rel)
    seed_dirs = _paths(config, "seed-paths", ["seeds"], rel)
    test_dirs = _paths(config, "test-paths", _default_tests(rel), rel)
    read_from = (rel, *PACKAGE_FILES, install, *model_dirs, *macro_dirs, *seed_dirs, *test_dirs)
    return Project(
        root=root,
        name=name,
        models=_models(root, model_dirs, config.get("models"), name, rel),
        macros=_macros(root, macro_dirs),
        seeds=_seeds(root, seed_dirs, config, sources, rel),
        sources=sources,
        vars=_vars(config.get("vars"), name, packages),
        params=_params(config.get("params"), rel),
        database=config.get("database"),
        dialect=config.get("dialect"),
        target_dir=root / config.get("target-path", "target"),
        schema=_schema(config.get("schema")),
        properties=properties,
        singular_tests=_singular(root, test_dirs),
        unit_tests=load_unit_tests(root, model_dirs, sources),
        profile=config.get("profile"),
        packages=packages,
        dispatch=_dispatch(config.get("dispatch"), rel),
        read_from=tuple(root / part for part in dict.fromkeys(read_from)),
    )


def _vars(raw: Any, project: str, packages: tuple[Package, ...] = ()) -> dict[str, Any]:
    """Global vars, and dbt's vars scoped to this project (``vars: {<name>: {...}}``),
    which win over global ones of the same name; a package's own vars are defaults."""
    found = {k: v for p in packages for k, v in _vars(p.vars, p.name).items()}
    found.update(raw or {})
    scoped = found.pop(project, None)
    if isinstance(scoped, dict):
        found.update(scoped)
    elif scoped is not None:
        found[project] = scoped
    return found


def _params(raw: Any, rel: str) -> ParamSet:
    """``params:``, each entry checked (its default too) at its line."""
    if raw is None:
        return ParamSet()
    if not isinstance(raw, dict):
        raise ConfigError("params must be a mapping of name: {type: ...}", path=rel)
    lines = raw.line_of if isinstance(raw, LineDict) else (lambda _: None)
    return ParamSet({k: param_from_config(k, v, rel, lines(k)) for k, v in raw.items()})


def _default_tests(rel: str) -> list[str]:
    """dbt's default test path is tests/; under the name project.yml (a project inside a
    Python repository, where pytest owns tests/) it is data-tests/."""
    return ["tests"] if rel == "dbt_project.yml" else ["data-tests"]


def _check_keys(config: dict, rel: str) -> None:
    for key in config:
        if key not in PROJECT_KEYS and key not in IGNORED_KEYS:
            raise ConfigError(
                f"{rel}: '{key}' is not supported",
                path=rel,
                line=config.line_of(key) if hasattr(config, "line_of") else None,
                hint="remove it; supported keys: " + ", ".join(PROJECT_KEYS),
            )


def _dispatch(raw: Any, rel: str) -> dict[str, tuple[str, ...]]:
    """``dispatch: [{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}]``:
    where ``adapter.dispatch(name, 'dbt_utils')`` looks, instead of dbt's default."""
    found: dict[str, tuple[str, ...]] = {}
    for entry in raw or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("search_order"), list):
            raise ConfigError(
                "dispatch: each entry needs macro_namespace and search_order: [...]",
                path=rel,
                line=getattr(entry, "line", None),
            )
        found[str(entry.get("macro_namespace"))] = tuple(map(str, entry["search_order"]))
    return found


def _check_no_snapshots(root: Path, dirs: list[str]) -> None:
    found = _files(root, dirs, "**/*.sql")
    if found:
        raise ConfigError(
            "dbt snapshots are not supported",
            path=found[0].relative_to(root).as_posix(),
            hint="build the history with an incremental model (append) instead",
        )


def _paths(config: dict, key: str, default: list[str], rel: str) -> list[str]:
    value = config.get(key, default)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of folders", path=rel)
    return value


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
    data = load_yaml(path, path.name) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} must be a mapping", path=path.name, line=1)
    return data


def _files(root: Path, dirs: list[str], pattern: str) -> list[Path]:
    found = []
    for d in dirs:
        found.extend(p for p in (root / d).glob(pattern) if p.is_file())
    return sorted(found)


def _relative_parts(root: Path, dirs: list[str], path: Path) -> tuple[str, ...]:
    """Folders below its model/seed path, then the node's name: what configs match."""
    for d in dirs:
        base = (root / d).resolve()
        if path.is_relative_to(base):
            return (*path.relative_to(base).parent.parts, path.stem)
    return (path.stem,)


def _folder_names(root: Path, dirs: list[str], paths: list[Path]) -> set[str]:
    return {part for p in paths for part in _relative_parts(root, dirs, p)}


def _models(root: Path, dirs: list[str], block, project: str, rel_file: str) -> dict:
    paths = _files(root, dirs, "**/*.sql")
    rules = config_tree(block, "models", project, _folder_names(root, dirs, paths), rel_file)
    models: dict[str, ModelFile] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        name = path.stem
        config = config_for(rules, _relative_parts(root, dirs, path))
        if isinstance(config.get("enabled"), str):
            raise ConfigError(
                f"model {name}: +enabled {config['enabled']!r} is not a boolean",
                path=rel_file,
                hint="Jinja in a model's +enabled is not supported (it is for seeds): "
                "write true or false",
            )
        if config.get("enabled", True) is False:
            continue
        config.pop("enabled", None)
        if name in models:
            raise ConfigError(
                f"two models are named '{name}': {models[name].path} and {rel}",
                path=rel,
                hint="model names come from file names and must be unique; rename one",
            )
        source = path.read_text(encoding="utf-8")
        models[name] = ModelFile(name=name, path=rel, source=source, config=config)
    return models


def _macros(root: Path, dirs: list[str]) -> tuple[MacroFile, ...]:
    return tuple(
        MacroFile(path=p.relative_to(root).as_posix(), source=p.read_text(encoding="utf-8"))
        for p in _files(root, dirs, "**/*.sql")
    )


def _seeds(root: Path, dirs: list[str], config: dict, sources, rel_file: str) -> dict:
    """Every CSV under the seed paths (subfolders too), configured by the ``seeds:`` tree."""
    paths = _files(root, dirs, "**/*.csv")
    names = _folder_names(root, dirs, paths)
    rules = config_tree(config.get("seeds"), "seeds", str(config.get("name")), names, rel_file)
    seeds: dict[str, SeedConfig] = {}
    for path in paths:
        spec = config_for(rules, _relative_parts(root, dirs, path))
        if spec.get("enabled", True) is False:
            continue
        rel = path.relative_to(root).as_posix()
        if path.stem in seeds:
            raise ConfigError(
                f"two seeds are named '{path.stem}': {seeds[path.stem].rel} and {rel}",
                path=rel,
                hint="seed names come from file names and must be unique; rename one",
            )
        seeds[path.stem] = _seed(path, rel, spec, sources, rel_file)
    return seeds


def _seed(path: Path, rel: str, spec: dict, sources, rel_file: str) -> SeedConfig:
    source = None
    if spec.get("source"):
        key = tuple(spec["source"].split(".", 1))
        if key not in sources:
            raise ConfigError(
                f"seed '{path.stem}' names unknown source {spec['source']!r}", path=rel_file
            )
        source = sources[key]
    marker = spec.get("null_marker", "")
    if not isinstance(marker, str):
        raise ConfigError(
            f"seeds.{path.stem}.null_marker must be text",
            path=rel_file,
            hint="quote it in YAML: null_marker: 'NULL'",
        )
    return SeedConfig(
        name=path.stem,
        path=path,
        table=source.identifier if source else spec.get("table", path.stem),
        column_types=dict(spec.get("column_types") or {}),
        null=marker,
        source=source,
        rel=rel,
        custom_schema=str(spec["schema"]) if spec.get("schema") else None,
        enabled=spec.get("enabled", True),
    )
