"""dbt's ``models:`` and ``seeds:`` blocks of the project file: configs by folder.

    models:
      jaffle_shop:              # the project's name (the level may be left out)
        +materialized: table    # every model of the project...
        staging:                # ...except those under models/staging/
          +materialized: view

A key starting with ``+`` is a config; a key without it is a config when it is a
config's name (dbt's rule), otherwise a folder or a model/seed name one level down.
Deeper levels win; tags add up. An unknown config is an error at its line, never
silently ignored: a project that relies on it would build something else.
"""

from __future__ import annotations

from typing import Any

from runner.errors import ConfigError

MATERIALIZATIONS = ("view", "table", "ephemeral", "incremental")
MODEL_KEYS = (
    "materialized",
    "enabled",
    "tags",
    "unique_key",
    "indexes",
    "incremental_strategy",
    "schema",
)
SEED_KEYS = ("enabled", "tags", "column_types", "source", "null_marker", "table", "schema")
#: dbt configs that change nothing a run builds here: accepted and not used
HARMLESS = ("docs", "persist_docs", "meta", "description", "quote_columns", "group", "access")
#: dbt configs we know and do not support: each names what to do instead
UNSUPPORTED = {
    "schema": "custom schemas are not supported: remove +schema (every model is built "
    "in the target's schema)",
    "database": "models are built in the target's database: remove +database",
    "alias": "a model's relation is named after its file: rename the file instead",
    "pre-hook": "hooks are not supported: move the statement into a model or macro",
    "post-hook": "hooks are not supported: move the statement into a model or macro",
    "full_refresh": "use runner run --full-refresh",
    "contract": "model contracts are not supported: remove the contract config",
    "on_schema_change": "incremental models here are rebuilt by --full-refresh when "
    "their columns change: remove on_schema_change",
}


def config_tree(
    block: Any, kind: str, project: str, names: set[str], rel: str
) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """``(path prefix, configs)`` rules of one block (``kind`` is models or seeds);
    ``names`` are the folders and node names the rules may mention."""
    rules: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    if block is None:
        return rules
    _check_mapping(block, kind, rel, getattr(block, "line", None))
    _walk(block, (), kind, rel, rules, names | {project}, top=project)
    return rules


def _walk(node: dict, prefix: tuple[str, ...], kind: str, rel: str, rules, names, top) -> None:
    configs: dict[str, Any] = {}
    keys = MODEL_KEYS if kind == "models" else SEED_KEYS
    for key, value in node.items():
        line = node.line_of(key) if hasattr(node, "line_of") else None
        name = str(key)
        bare = name[1:] if name.startswith("+") else name
        if (
            name.startswith("+")
            or (bare in keys and not isinstance(value, dict))
            or (bare in ("column_types",) and isinstance(value, dict))
        ):
            if bare not in HARMLESS:
                configs[bare] = _config(bare, value, kind, rel, line)
            continue
        if not prefix and name == top:
            _check_mapping(value, kind, rel, line)
            _walk(value, (), kind, rel, rules, names, top)
            continue
        if name not in names:
            raise ConfigError(
                f"{kind}: '{name}' is neither a config nor a folder or {kind[:-1]} of the project",
                path=rel,
                line=line,
                hint=f"configs are +{keys[0]} etc. ({', '.join(keys)}); folders are under the "
                f"{kind[:-1]} paths",
            )
        _check_mapping(value, kind, rel, line)
        _walk(value, (*prefix, name), kind, rel, rules, names, top)
    if configs:
        rules.append((prefix, configs))


def _config(key: str, value: Any, kind: str, rel: str, line: int | None) -> Any:
    if key in UNSUPPORTED and not (kind == "seeds" and key == "schema"):
        raise ConfigError(
            f"{kind}: +{key} is not supported", path=rel, line=line, hint=UNSUPPORTED[key]
        )
    keys = MODEL_KEYS if kind == "models" else SEED_KEYS
    if key not in keys:
        raise ConfigError(
            f"{kind}: unknown config +{key}",
            path=rel,
            line=line,
            hint="supported: " + ", ".join(k for k in keys if k not in UNSUPPORTED),
        )
    if key == "materialized" and value not in MATERIALIZATIONS:
        raise ConfigError(
            f"{kind}: unknown materialization {value!r}",
            path=rel,
            line=line,
            hint="use one of " + ", ".join(MATERIALIZATIONS),
        )
    if key == "tags":
        return (value,) if isinstance(value, str) else tuple(value or ())
    return value


def _check_mapping(value: Any, kind: str, rel: str, line: int | None) -> None:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{kind}: expected a mapping of configs and folders, not {value!r}",
            path=rel,
            line=line,
        )


def config_for(rules, parts: tuple[str, ...]) -> dict[str, Any]:
    """The merged config of the node at ``parts`` (folders, then its name): every rule
    whose prefix the path starts with, shallow first; tags accumulate."""
    merged: dict[str, Any] = {}
    for prefix, configs in sorted(rules, key=lambda r: len(r[0])):
        if parts[: len(prefix)] == prefix:
            tags = merged.get("tags", ()) + tuple(configs.get("tags", ()))
            merged.update(configs)
            if tags:
                merged["tags"] = tuple(dict.fromkeys(tags))
    return merged
