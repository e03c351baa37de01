"""Sources: tables the project reads but does not build.

Declared dbt's way in the YAML beside the models (``sources:`` as a list of
``{name, tables: [{name, identifier, columns}]}``), or in the project file as a mapping
``{source: {tables: {table: {...}}}}`` with the runner's extras (``create_macro``, the
DDL a seed of it is created with; ``indexes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import ConfigError
from runner.project.yamlfile import load_yaml

#: keys of a dbt source / source table that change nothing we build
SOURCE_KEYS = (
    "name",
    "description",
    "tables",
    "meta",
    "tags",
    "loader",
    "freshness",
    "loaded_at_field",
    "config",
    "overrides",
    "schema",
)
TABLE_KEYS = (
    "name",
    "identifier",
    "description",
    "columns",
    "meta",
    "tags",
    "freshness",
    "loaded_at_field",
    "config",
    "quoting",
    "external",
)


@dataclass(frozen=True)
class SourceTable:
    source: str
    name: str
    identifier: str
    columns: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    create_macro: str | None = None
    #: (column, declared type) where the project gives one (lint types expressions)
    column_types: tuple[tuple[str, str], ...] = ()
    #: dbt's source ``schema:``: the schema it is read from (on the search path, after
    #: the models' schema, so unit tests' inputs still stand in for it)
    schema: str | None = None


def project_sources(raw: Any, rel: str) -> dict[tuple[str, str], SourceTable]:
    """The project file's ``sources:`` (the runner's mapping form, or dbt's list)."""
    if not raw:
        return {}
    if isinstance(raw, list):
        return _dbt_sources(raw, rel)
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


def load_yml_sources(root: Path, dirs: list[str]) -> dict[tuple[str, str], SourceTable]:
    """dbt's ``sources:`` lists in models/**/*.yml."""
    found: dict[tuple[str, str], SourceTable] = {}
    for d in dirs:
        for path in sorted((root / d).glob("**/*.yml")):
            rel = path.relative_to(root).as_posix()
            data = load_yaml(path, rel)
            if isinstance(data, dict) and data.get("sources"):
                for key, table in _dbt_sources(data["sources"], rel).items():
                    if key in found:
                        raise ConfigError(f"source {key[0]}.{key[1]} is declared twice", path=rel)
                    found[key] = table
    return found


def _dbt_sources(raw: Any, rel: str) -> dict[tuple[str, str], SourceTable]:
    if not isinstance(raw, list):
        raise ConfigError("sources: must be a list of {name, tables}", path=rel)
    tables = {}
    for source in raw:
        _known(source, SOURCE_KEYS, "source", rel)
        for table in source.get("tables") or []:
            _known(table, TABLE_KEYS, "source table", rel)
            columns, types = [], []
            for col in table.get("columns") or []:
                name = col.get("name") if isinstance(col, dict) else None
                if not name:
                    raise ConfigError(
                        "each source column needs a name", path=rel, line=getattr(col, "line", None)
                    )
                if col.get("tests") or col.get("data_tests"):
                    raise ConfigError(
                        f"tests on source columns are not supported ({source['name']}."
                        f"{table['name']}.{name})",
                        path=rel,
                        line=col.line_of("tests" if "tests" in col else "data_tests"),
                        hint="write them as a singular test (SQL in the test paths) instead",
                    )
                columns.append(str(name))
                if col.get("data_type"):
                    types.append((str(name), str(col["data_type"])))
            key = (str(source["name"]), str(table["name"]))
            tables[key] = SourceTable(
                source=key[0],
                name=key[1],
                identifier=str(table.get("identifier", key[1])),
                columns=tuple(columns),
                column_types=tuple(types),
                schema=str(source["schema"]) if source.get("schema") else None,
            )
    return tables


def _known(node: Any, keys: tuple[str, ...], what: str, rel: str) -> None:
    if not isinstance(node, dict) or "name" not in node:
        raise ConfigError(f"each {what} needs a name", path=rel, line=getattr(node, "line", None))
    for key in node:
        if key not in keys:
            hint = "remove it"
            if key == "database":
                hint = "sources are read from the target's database and schema: remove it"
            raise ConfigError(
                f"{what} {node['name']}: '{key}' is not supported",
                path=rel,
                line=node.line_of(key),
                hint=hint,
            )
